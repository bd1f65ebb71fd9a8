/** Small statistics and formatting helpers for the benchmark. */

/** The q-quantile (0..1) of the values, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  return { n: values.length, p50: round(quantile(values, 0.5)), p95: round(quantile(values, 0.95)), p99: round(quantile(values, 0.99)), mean: round(mean) };
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const mb = (bytes: number) => round(bytes / 1024 / 1024, 0);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Progress line with the elapsed time since the run began. */
export function progress(began: number, text: string): void {
  const s = ((Date.now() - began) / 1000).toFixed(0).padStart(4);
  console.log(`[bench ${s}s] ${text}`);
}
