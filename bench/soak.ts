import WebSocket from 'ws';
import { createRandom, inspection } from '../scripts/simulator/generate';
import { snapshotProcesses, type Watched } from './lib/processes';
import type { BenchSystem } from './lib/system';
import { judged } from './e2e';
import { createServiceClients, type ServiceClients } from './lib/http-client';

/**
 * Soak: a fixed rate of single submissions for a long time (the issue asks for an hour at 1,000 events/s),
 * sampling every process's RSS and CPU and every service's event-loop lag (its own /metrics) at an interval,
 * with a console WebSocket client counting planted hits throughout. Reports growth, not just end points:
 * RSS slope per hour after warm-up, event-loop lag percentiles, and whether anything fell behind.
 */
export interface SoakOptions {
  system: BenchSystem;
  engines: Watched[];
  seconds: number;
  rate: number;
  sampleEverySeconds: number;
  say: (m: string) => void;
}

export interface SoakSample {
  atSeconds: number;
  accepted: number;
  failed: number;
  alerts: number;
  /** Events the rules service's judge stage had processed: accepted − judged is how far it was behind. */
  judged: number;
  rssMiB: Record<string, number>;
  cpuPercent: Record<string, number>;
  /** Event-loop lag p99 (ms) per Node service, from prom-client's default metrics. */
  eventLoopLagP99Ms: Record<string, number>;
}

const MAX_IN_FLIGHT = 1024;

async function lagP99Ms(url: string): Promise<number> {
  try {
    const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text());
    const m = text.match(/^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})?\s+(\S+)/m);
    return m ? Math.round(Number(m[1]) * 1000 * 10) / 10 : NaN;
  } catch {
    return NaN;
  }
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export async function runSoak(o: SoakOptions) {
  /** Keep-alive clients to the services, as the end-to-end phases use (`lib/http-client.ts`). */
  const http = createServiceClients({ maxSockets: 128 });
  try {
    return await soak(o, http.post, http.login);
  } finally {
    http.close();
  }
}

async function soak(o: SoakOptions, post: ServiceClients['post'], login: ServiceClients['login']) {
  const { system } = o;
  const officers = await Promise.all(system.users.filter((u) => u.role === 'officer').map(async (u) => ({ ...u, token: await login(system.gateway, u) })));
  const commander = system.users.find((u) => u.role === 'commander' && u.jurisdiction === '140000')!;
  const inScope = officers.filter((x) => x.jurisdiction.startsWith('14'));
  const r = createRandom(9);
  const fugitive = '530621198604113159';

  const ws = new WebSocket(`${system.console.replace('http', 'ws')}/api/v1/live?token=${encodeURIComponent(await login(system.console, commander))}`);
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  ws.send(JSON.stringify({ op: 'subscribe', filter: {} }));
  const planted = new Set<string>();
  const alerted = new Set<string>();
  ws.on('message', (raw: Buffer) => {
    const f = JSON.parse(raw.toString()) as { type: string; hit?: { evidence: Array<{ eventId: string }> } };
    if (f.hit) for (const e of f.hit.evidence) if (planted.has(e.eventId)) alerted.add(e.eventId);
  });

  const services = [
    { name: 'gateway', url: system.gateway },
    { name: 'rules', url: system.rules },
    { name: 'correlate', url: system.correlate },
    { name: 'indexer', url: system.indexer },
    { name: 'console', url: system.console },
  ];
  const watched = [...o.engines, ...system.processes, { name: 'load generator', pid: process.pid, alone: true }];
  const samples: SoakSample[] = [];
  let accepted = 0;
  let failed = 0;
  let sent = 0;
  const t0 = performance.now();
  let prev = snapshotProcesses(watched);
  let prevAt = t0;
  let nextSample = t0 + o.sampleEverySeconds * 1000;
  const inflight = new Set<Promise<unknown>>();
  while (performance.now() - t0 < o.seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * o.rate);
    // A terminal does not queue without end: past MAX_IN_FLIGHT outstanding requests the generator waits
    // (the achieved rate shows it) instead of growing its own memory with a backlog the system cannot take.
    for (; sent < due && inflight.size < MAX_IN_FLIGHT; sent++) {
      const plant = sent % 200 === 0;
      const off = plant ? inScope[sent % inScope.length]! : officers[sent % officers.length]!;
      let body: string;
      if (plant) {
        const ev = inspection(r, { checkpointId: off.checkpointId!, jurisdiction: off.jurisdiction }, new Date(), { driver: { idNumber: fugitive } });
        planted.add(ev.eventId);
        body = JSON.stringify(ev);
      } else body = JSON.stringify(inspection(r, { checkpointId: off.checkpointId!, jurisdiction: off.jurisdiction }, new Date()));
      const p = post(system.gateway, '/api/v1/events', body, off.token).then(
        (res) => (res.status === 202 ? accepted++ : failed++),
        () => failed++,
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    const now = performance.now();
    if (now >= nextSample) {
      nextSample += o.sampleEverySeconds * 1000;
      const snap = snapshotProcesses(watched);
      const secs = (now - prevAt) / 1000;
      const [lags, judgedNow] = await Promise.all([Promise.all(services.map(async (s) => [s.name, await lagP99Ms(s.url)] as const)), judged(system.rules).catch(() => NaN)]);
      samples.push({
        atSeconds: Math.round((now - t0) / 1000),
        accepted,
        failed,
        alerts: alerted.size,
        judged: judgedNow,
        rssMiB: Object.fromEntries(snap.map((x) => [x.name, x.rssMiB])),
        cpuPercent: Object.fromEntries(snap.map((x, i) => [x.name, Math.round(((x.cpuSeconds - prev[i]!.cpuSeconds) / secs) * 100)])),
        eventLoopLagP99Ms: Object.fromEntries(lags),
      });
      prev = snap;
      prevAt = now;
      const last = samples[samples.length - 1]!;
      process.stderr.write(`\r  soak: ${last.atSeconds}/${o.seconds} s · ${accepted.toLocaleString()} accepted · ${failed} failed · ${alerted.size}/${planted.size} planted hits seen · judged ${judgedNow.toLocaleString()} · rules RSS ${last.rssMiB.rules ?? '?'} MiB   `);
    }
    await new Promise((res) => setTimeout(res, 2));
  }
  await Promise.all(inflight);
  const waitUntil = performance.now() + 15_000;
  while (alerted.size < planted.size && performance.now() < waitUntil) await new Promise((res) => setTimeout(res, 100));
  ws.close();
  process.stderr.write('\n');

  // Growth after a warm-up (the first fifth of the run, at least one sample): the slope, per hour.
  const warm = samples.slice(Math.max(1, Math.floor(samples.length / 5)));
  const names = watched.map((w) => w.name);
  const growth = Object.fromEntries(
    names.map((nm) => {
      const xs = warm.map((s) => s.atSeconds / 3600);
      const ys = warm.map((s) => s.rssMiB[nm] ?? NaN);
      const lag = samples.map((s) => s.eventLoopLagP99Ms[nm]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      return [
        nm,
        {
          rssStartMiB: warm[0]?.rssMiB[nm],
          rssEndMiB: warm[warm.length - 1]?.rssMiB[nm],
          rssSlopeMiBPerHour: Math.round(slope(xs, ys) * 10) / 10,
          ...(lag.length ? { eventLoopLagP99MaxMs: Math.max(...lag), eventLoopLagP99MedianMs: [...lag].sort((a, b) => a - b)[Math.floor(lag.length / 2)] } : {}),
        },
      ];
    }),
  );
  const result = {
    seconds: o.seconds,
    rateEventsPerSec: o.rate,
    achievedRate: Math.round(sent / o.seconds),
    accepted,
    failed,
    plantedHits: planted.size,
    plantedHitsSeen: alerted.size,
    perProcess: growth,
    samples,
  };
  o.say(`  soak: ${accepted.toLocaleString()} accepted, ${failed} failed, ${alerted.size}/${planted.size} planted hits seen`);
  for (const [nm, g] of Object.entries(growth)) o.say(`    ${nm.padEnd(15)} RSS ${g.rssStartMiB} → ${g.rssEndMiB} MiB (${g.rssSlopeMiBPerHour} MiB/h)${'eventLoopLagP99MaxMs' in g ? ` · event-loop lag p99 max ${g.eventLoopLagP99MaxMs} ms` : ''}`);
  return result;
}
