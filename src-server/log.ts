import { jsonLinesLogger, type LogLevel, type Logger } from '../src-shared/log';

export { isLogLevel, silentLogger, type LogFields, type LogLevel, type Logger } from '../src-shared/log';

/** The server's logger: JSON lines (src-shared/log.ts) marked component "server", to stdout unless told otherwise. */
export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n'), minLevel: LogLevel = 'info'): Logger {
  return jsonLinesLogger(write, minLevel, { component: 'server' });
}
