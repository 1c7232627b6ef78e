import { cpus, totalmem, platform, release } from 'node:os';

/** What a result was measured on; every bench writes it next to its figures. */
export function describeMachine() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    note: 'Kafka, Elasticsearch, the services and the load generator all on this one machine',
  };
}

export function percentiles(samples: number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? NaN), n: s.length };
}

export const progress = (label: string) => (done: number, total: number) => process.stderr.write(`\r${label}: ${done}/${total} (${Math.round((done / total) * 100)}%)   `);
