/** Nearest-rank percentile (p in (0, 100]) of a list of samples; NaN for an empty list. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Milliseconds rounded to microseconds, for reports. */
export function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export interface Summary {
  n: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

export function summarize(samples: readonly number[]): Summary {
  const mean = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN;
  return {
    n: samples.length,
    p50_ms: ms(percentile(samples, 50)),
    p95_ms: ms(percentile(samples, 95)),
    p99_ms: ms(percentile(samples, 99)),
    max_ms: ms(samples.length ? Math.max(...samples) : Number.NaN),
    mean_ms: ms(mean),
  };
}

/** High-resolution stopwatch in milliseconds. */
export function now(): bigint {
  return process.hrtime.bigint();
}

export function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}
