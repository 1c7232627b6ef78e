/**
 * Reads histograms from a service's /metrics (Prometheus text format) and summarises the difference
 * between two scrapes: count, mean and bucket-estimated percentiles of what happened in between.
 */
export interface HistogramSnapshot {
  /** label value (e.g. the stage) → cumulative bucket counts by upper bound, plus sum and count */
  [label: string]: { buckets: Map<number, number>; sum: number; count: number };
}

export function parseHistogram(text: string, name: string, label: string | string[]): HistogramSnapshot {
  const out: HistogramSnapshot = {};
  const get = (l: string) => (out[l] ??= { buckets: new Map(), sum: 0, count: 0 });
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^(\w+)\{([^}]*)\}\s+(\S+)/);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const parts = (Array.isArray(label) ? label : [label]).map((l) => labels[l]);
    if (parts.some((x) => x === undefined)) continue;
    const key = parts.join('/');
    const v = Number(m[3]);
    if (m[1] === `${name}_bucket`) get(key).buckets.set(labels.le === '+Inf' ? Infinity : Number(labels.le), v);
    else if (m[1] === `${name}_sum`) get(key).sum = v;
    else if (m[1] === `${name}_count`) get(key).count = v;
  }
  return out;
}

export interface HistogramSummary {
  count: number;
  mean: number;
  /** Upper bound of the bucket holding the percentile (so "≤ this"). */
  p50: number;
  p99: number;
}

export function diffHistogram(before: HistogramSnapshot, after: HistogramSnapshot, scale = 1): Record<string, HistogramSummary> {
  const out: Record<string, HistogramSummary> = {};
  for (const [key, a] of Object.entries(after)) {
    const b = before[key];
    const count = a.count - (b?.count ?? 0);
    if (count <= 0) continue;
    const bounds = [...a.buckets.keys()].sort((x, y) => x - y);
    const at = (q: number) => {
      for (const le of bounds) if (a.buckets.get(le)! - (b?.buckets.get(le) ?? 0) >= q * count) return le * scale;
      return Infinity;
    };
    out[key] = { count, mean: Math.round(((a.sum - (b?.sum ?? 0)) / count) * scale * 100) / 100, p50: at(0.5), p99: at(0.99) };
  }
  return out;
}
