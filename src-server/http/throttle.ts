/**
 * Slows down guessing of enrolment codes: after `maxFailures` wrong codes from one address within
 * `windowMs`, that address is refused until the window has passed. In memory — the server is one
 * process; a restart forgives, which costs a guesser a restart they cannot cause.
 */
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_ENROL_THROTTLE: ThrottleOptions = { maxFailures: 5, windowMs: 15 * 60_000 };

export class FailureThrottle {
  private readonly entries = new Map<string, { failures: number; since: number }>();
  constructor(private readonly options: ThrottleOptions = DEFAULT_ENROL_THROTTLE) {}

  /** Milliseconds this key must still wait, or 0 when it may try. */
  waitMs(key: string, now: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    if (now - entry.since >= this.options.windowMs) {
      this.entries.delete(key);
      return 0;
    }
    return entry.failures >= this.options.maxFailures ? this.options.windowMs - (now - entry.since) : 0;
  }

  fail(key: string, now: number): void {
    const entry = this.entries.get(key);
    if (!entry || now - entry.since >= this.options.windowMs) this.entries.set(key, { failures: 1, since: now });
    else entry.failures++;
    if (this.entries.size > 10_000) this.prune(now);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.since >= this.options.windowMs) this.entries.delete(key);
  }
}
