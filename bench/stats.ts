/** Latency summary of one query kind: nearest-rank percentiles, in milliseconds. */
export type Latency = Readonly<{ n: number; p50: number; p99: number; mean: number; min: number; max: number }>;

export const latencyOf = (samplesMs: ReadonlyArray<number>): Latency => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? NaN;
  return {
    n,
    p50: rank(0.5),
    p99: rank(0.99),
    mean: n ? sorted.reduce((a, b) => a + b, 0) / n : NaN,
    min: sorted[0] ?? NaN,
    max: sorted[n - 1] ?? NaN,
  };
};

export const median = (xs: ReadonlyArray<number>): number => latencyOf(xs).p50;

/** Milliseconds since an arbitrary origin, monotonic. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
