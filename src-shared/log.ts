/**
 * Structured logs, one JSON object a line, for the desk and the server. Only what an operator needs:
 * event names, method names, error codes, durations and ids. Never names, phone numbers, note text,
 * passwords, codes or other input (each side tests its logs for that). Where lines go is the caller's.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function isLogLevel(value: string | undefined): value is LogLevel {
  return value !== undefined && (ORDER as string[]).includes(value);
}

/** A logger writing JSON lines through `write`, dropping levels below `minLevel`; `base` fields go on every line. */
export function jsonLinesLogger(write: (line: string) => void, minLevel: LogLevel = 'info', base: LogFields = {}): Logger {
  return {
    log(level, event, fields = {}) {
      if (ORDER.indexOf(level) < ORDER.indexOf(minLevel)) return;
      write(JSON.stringify({ ts: new Date().toISOString(), level, ...base, event, ...fields }));
    },
  };
}

export const silentLogger: Logger = { log() {} };
