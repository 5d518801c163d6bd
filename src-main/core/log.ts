import { jsonLinesLogger, type LogLevel, type Logger } from '../../src-shared/log';

export { silentLogger, type LogFields, type LogLevel, type Logger } from '../../src-shared/log';

/** The desk's logger: JSON lines (src-shared/log.ts), to stdout unless told otherwise. */
export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l + '\n'), minLevel: LogLevel = 'info'): Logger {
  return jsonLinesLogger(write, minLevel);
}
