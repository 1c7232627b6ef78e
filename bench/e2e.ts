import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Client } from '@elastic/elasticsearch';
import { createRandom, inspection } from '../scripts/simulator/generate';
import { percentiles } from './machine';
import type { Admin } from 'kafkajs';
import { createKafka } from '../lib/kafka';
import { createLogger } from '../lib/logger';
import type { BenchSystem, DemoUser } from './lib/system';
import { createServiceClients, type ServiceClients } from './lib/http-client';
import { diffHistogram, parseHistogram, type HistogramSummary } from './lib/prometheus';

/**
 * End-to-end phases through the public APIs of a running system (see lib/system.ts):
 *  - sustained events/s via batch and via single requests: accepted, judged by the rules service and indexed
 *    in Elasticsearch, timed until nothing lags behind (not merely until the last 202),
 *  - time-to-alert (202 → hit frame on a console WebSocket) for planted hits at a fixed 1,000 events/s,
 *  - time-to-searchable (202 → found by `POST /api/v1/search`).
 */
export interface E2EOptions {
  system: BenchSystem;
  es: Client;
  seconds: number;
  searchSamples: number;
  say: (m: string) => void;
  /** Extra time-to-alert phases at these rates (events/s) before the headline one at 1,000/s: the latency curve. */
  alertRates?: number[];
  /** Called around each phase so the caller can sample processes per phase. */
  phase?: (name: string, edge: 'start' | 'end') => void;
}

export interface Sustained {
  accepted: number;
  rejected: number;
  submitSeconds: number;
  /** Seconds from the first request until every accepted event was judged and indexed. */
  settledSeconds: number;
  /** Seconds from the first request until the rules service had judged them all, had correlated all their
   * sightings, and until Elasticsearch held them all. */
  judgedSeconds: number;
  correlatedSeconds: number;
  indexedSeconds: number;
  acceptedPerSec: number;
  /** accepted ÷ settledSeconds: what the whole pipeline sustained. */
  eventsPerSec: number;
  timeline: number[];
}

export interface E2EResult {
  batch: Sustained;
  single: Sustained;
  timeToAlert: {
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    maxMs: number;
    alerts: number;
    planted: number;
    missing: number;
    rateEventsPerSec: number;
    achievedRate: number;
    sendToAlert: ReturnType<typeof percentiles>;
    /** Submit with `?waitMs=3000` → the response carrying the rules verdict (1 in 50 events, none of them planted). */
    submitToVerdict: ReturnType<typeof percentiles> & { unjudged: number };
    samples: number[];
  };
  timeToSearchableMs: ReturnType<typeof percentiles>;
  /** Time-to-alert at each of `alertRates`, then at 1,000/s, with the judge stage's transaction figures. */
  timeToAlertCurve: Array<{ rate: number; achievedRate: number; p50Ms: number; p95Ms: number; p99Ms: number; alerts: number; planted: number; submitToVerdictP50Ms: number; submitToVerdictP99Ms: number; judgeTransactionMs?: number; judgeEventsPerTransaction?: number }>;
  /** The rules stages during the time-to-alert phase, from the service's own histograms (milliseconds). */
  /** Garbage collection per process during the 1,000 events/s phase (services: p99Ms is the upper bound of a bucket). */
  gcDuringAlert: Record<string, { major: { count: number; totalMs: number; p99Ms: number }; minor: { count: number; totalMs: number; p99Ms: number } }>;
  rulesStages: { transactionMs: Record<string, HistogramSummary>; stepMs: Record<string, HistogramSummary>; commitAgeMs: Record<string, HistogramSummary>; recordsPerTransaction: Record<string, HistogramSummary>; concurrentRetries: Record<string, HistogramSummary> };
}

/** Keep-alive clients to the services (`lib/http-client.ts`: what node:http's client cost the machine, it no longer does). */
let http: ServiceClients | undefined;
const clients = () => (http ??= createServiceClients({ maxSockets: 128 }));
const post = (base: string, path: string, body: unknown, token?: string) => clients().post(base, path, body, token);
const login = (base: string, u: DemoUser) => clients().login(base, u);

export async function judged(rules: string): Promise<number> {
  const s = (await fetch(`${rules}/api/v1/rules/stats`).then((r) => r.json())) as { judge?: { events?: number } };
  if (typeof s.judge?.events !== 'number') throw new Error(`rules stats without judge.events: ${JSON.stringify(s).slice(0, 200)}`);
  return s.judge.events;
}

async function indexed(es: Client, alias: string): Promise<number> {
  try {
    return (await es.count({ index: alias })).count;
  } catch {
    return 0; // no index yet
  }
}

/**
 * Sightings the rules service's correlation stage has not consumed yet. Its input is written in transactions,
 * so a caught-up partition still shows one offset of lag: the commit marker after the last record.
 */
async function correlationBacklog(admin: Admin, prefix: string): Promise<number> {
  const topic = `${prefix}sightings.v1`;
  const [ends, [group]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: `${prefix}rules-correlate`, topics: [topic] })]);
  let backlog = 0;
  for (const p of ends) {
    const committed = Number(group?.partitions.find((x) => x.partition === p.partition)?.offset ?? -1);
    const lag = Number(p.high) - Math.max(Number(p.low), committed);
    if (lag > 1) backlog += lag - 1;
  }
  return backlog;
}

export interface Settled {
  judgedSeconds: number;
  correlatedSeconds: number;
  indexedSeconds: number;
}

/**
 * Waits until the rules service has judged, and Elasticsearch holds, `target` more events than at `base`, and
 * the correlation stage has no sightings left. Returns when each finished (seconds since `t0`), so the report
 * can say which stage was the slowest.
 */
export async function settle(o: Pick<E2EOptions, 'system' | 'es'>, base: { judged: number; indexed: number }, target: number, t0: number): Promise<Settled> {
  const alias = `${o.system.prefix}events`;
  const admin = createKafka({ brokers: o.system.kafkaBrokers, clientId: 'bench-settle', logger: createLogger({ level: 'error', name: 'bench' }) }).admin();
  await admin.connect();
  const deadline = performance.now() + 900_000;
  let last = '';
  const done = { judgedSeconds: NaN, correlatedSeconds: NaN, indexedSeconds: NaN };
  try {
    for (;;) {
      const [j, i, c] = await Promise.all([judged(o.system.rules), indexed(o.es, alias), correlationBacklog(admin, o.system.prefix)]);
      const now = round((performance.now() - t0) / 1000);
      if (Number.isNaN(done.judgedSeconds) && j - base.judged >= target) done.judgedSeconds = now;
      if (Number.isNaN(done.indexedSeconds) && i - base.indexed >= target) done.indexedSeconds = now;
      if (Number.isNaN(done.correlatedSeconds) && !Number.isNaN(done.judgedSeconds) && c === 0) done.correlatedSeconds = now;
      const line = `  settling: judged ${j - base.judged}/${target} · correlation backlog ${c} sightings · indexed ${i - base.indexed}/${target}`;
      if (line !== last) process.stderr.write(`\r${line}   `);
      last = line;
      if (!Object.values(done).some(Number.isNaN)) break;
      if (performance.now() > deadline) throw new Error(`pipeline did not settle within 15 min: ${line}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
  process.stderr.write('\n');
  return done;
}

type Officer = DemoUser & { token: string };

/**
 * Event bodies for one terminal, each a fresh simulated inspection (new plate, people, id): reusing a small
 * set of bodies would give every plate a sighting every few seconds and measure a pathological correlation
 * load no checkpoint produces. Generating one costs a few microseconds.
 */
function pool(seed: number, off: Officer): { next: () => string } {
  const r = createRandom(seed);
  const cp = { checkpointId: off.checkpointId!, jurisdiction: off.jurisdiction };
  return { next: () => JSON.stringify(inspection(r, cp, new Date())) };
}

/** Events per second the prepared bodies of a phase are sized for; past them the terminals generate as they go. */
const PREPARED_RATE = { batch: 12_000, single: 4_000 } as const;

/**
 * The request bodies of a sustained phase, made before it starts: the simulated terminals would compose their events
 * on their own machines, and composing them here during the phase (9 % of a core at batch rates) took CPU from the
 * system under test. Bodies for `PREPARED_RATE` events a second over the phase; a terminal that runs out (a faster
 * machine) builds the rest as it goes. Event times are the preparation's, seconds before the phase.
 */
function prepareBodies(officers: Officer[], mode: 'batch' | 'single', seconds: number): { next: (w: number) => string } {
  const pools = officers.map((off, i) => pool(i + (mode === 'batch' ? 100 : 200), off));
  const build = (w: number) => (mode === 'batch' ? `{"events":[${Array.from({ length: 1000 }, () => pools[w]!.next()).join(',')}]}` : pools[w]!.next());
  const perTerminal = Math.ceil((PREPARED_RATE[mode] * seconds) / officers.length / (mode === 'batch' ? 1000 : 1));
  const ready = officers.map((_, w) => Array.from({ length: perTerminal }, () => build(w)));
  const taken = officers.map(() => 0);
  return {
    next: (w) => {
      const i = taken[w]!;
      taken[w] = i + 1;
      const body = ready[w]![i];
      if (body === undefined) return build(w);
      // Released once sent: a few hundred MB of bodies kept alive would lengthen this process's GC pauses, and this
      // process timestamps every alert of the later phases.
      ready[w]![i] = '';
      return body;
    },
  };
}

async function sustained(o: E2EOptions, officers: Officer[], mode: 'batch' | 'single', bodies: ReturnType<typeof prepareBodies>): Promise<Sustained> {
  const alias = `${o.system.prefix}events`;
  const base = { judged: await judged(o.system.rules), indexed: await indexed(o.es, alias) };
  let accepted = 0;
  let rejected = 0;
  const timeline: number[] = [];
  let lastCount = 0;
  const t0 = performance.now();
  const tick = setInterval(() => {
    timeline.push(accepted - lastCount);
    lastCount = accepted;
    process.stderr.write(`\r  ${mode}: ${Math.round((performance.now() - t0) / 1000)}/${o.seconds} s · ${accepted.toLocaleString()} accepted   `);
  }, 1000);
  const workers = mode === 'batch' ? officers.length : 64;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const terminal = w % officers.length;
      const off = officers[terminal]!;
      while (performance.now() - t0 < o.seconds * 1000) {
        if (mode === 'batch') {
          const res = await post(o.system.gateway, '/api/v1/events/batch', bodies.next(terminal), off.token);
          if (res.status === 202) {
            const b = JSON.parse(res.body) as { accepted: number };
            accepted += b.accepted;
            rejected += 1000 - b.accepted;
          } else rejected += 1000;
        } else {
          const res = await post(o.system.gateway, '/api/v1/events', bodies.next(terminal), off.token);
          if (res.status === 202) accepted++;
          else rejected++;
        }
      }
    }),
  );
  clearInterval(tick);
  const submitSeconds = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
  const { judgedSeconds, correlatedSeconds, indexedSeconds } = await settle(o, base, accepted, t0);
  const settledSeconds = Math.max(judgedSeconds, correlatedSeconds, indexedSeconds);
  const result = { accepted, rejected, submitSeconds: round(submitSeconds), settledSeconds: round(settledSeconds), judgedSeconds, correlatedSeconds, indexedSeconds, acceptedPerSec: Math.round(accepted / submitSeconds), eventsPerSec: Math.round(accepted / settledSeconds), timeline };
  o.say(`  ${mode}: ${result.acceptedPerSec} events/s accepted, ${result.eventsPerSec} events/s judged and indexed (all judged after ${judgedSeconds} s, correlated after ${correlatedSeconds} s, indexed after ${indexedSeconds} s)`);
  return result;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function timeToAlert(o: E2EOptions, officers: Officer[], fugitive: string, commander: DemoUser, rate: number): Promise<E2EResult['timeToAlert']> {
  const r = createRandom(3);
  const pools = officers.map((off, i) => pool(i + 300, off));
  // The unplanted bodies of the phase made before it, as for the sustained phases (`prepareBodies`); a planted one is
  // made as it is sent, since its 202 starts the clock of its alert.
  const bodies = Array.from({ length: Math.ceil(o.seconds * rate) + 1 }, (_, i) => (i % 50 === 0 ? '' : pools[i % officers.length]!.next()));
  const token = await login(o.system.console, commander);
  const ws = new WebSocket(`${o.system.console.replace('http', 'ws')}/api/v1/live?token=${encodeURIComponent(token)}`);
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  ws.send(JSON.stringify({ op: 'subscribe', filter: {} }));
  await new Promise<void>((res) => ws.once('message', () => res()));
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const alertAt = new Map<string, number>();
  /** The rules service's `detectedAt` of each planted event's hit (wall clock, ms), for `BENCH_ALERT_TRACE`. */
  const detectedAt = new Map<string, number>();
  ws.on('message', (raw: Buffer) => {
    const now = performance.now();
    const f = JSON.parse(raw.toString()) as { type: string; hit?: { detectedAt: string; evidence: Array<{ eventId: string }> } };
    // Repeats inside a cool-down update one hit, so a planted event may arrive as `hit.updated`.
    if ((f.type !== 'hit' && f.type !== 'hit.updated') || !f.hit) return;
    for (const e of f.hit.evidence) {
      if (!sentAt.has(e.eventId) || alertAt.has(e.eventId)) continue;
      alertAt.set(e.eventId, now);
      // An update keeps the hit's first detectedAt: only a new hit tells when the rules service judged this event.
      if (f.type === 'hit') detectedAt.set(e.eventId, Date.parse(f.hit.detectedAt));
    }
  });
  // Planted events come from terminals inside the commander's jurisdiction, so every one is deliverable.
  const inScope = officers.filter((x) => x.jurisdiction.startsWith(commander.jurisdiction.replace(/0+$/, '')));
  let sent = 0;
  let planted = 0;
  const verdictMs: number[] = [];
  let unjudged = 0;
  const inflight = new Set<Promise<unknown>>();
  const t0 = performance.now();
  let lastShown = 0;
  while (performance.now() - t0 < o.seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; sent < due; sent++) {
      const plant = sent % 50 === 0;
      const off = plant ? inScope[planted++ % inScope.length]! : officers[sent % officers.length]!;
      let body: string;
      let eventId = '';
      if (plant) {
        const ev = inspection(r, { checkpointId: off.checkpointId!, jurisdiction: off.jurisdiction }, new Date(), { driver: { idNumber: fugitive } });
        eventId = ev.eventId;
        body = JSON.stringify(ev);
        sentAt.set(eventId, performance.now());
      } else {
        body = bodies[sent] ?? pools[sent % officers.length]!.next();
        bodies[sent] = '';
      }
      // 1 in 50 (never a planted one, whose 202 times the alert) asks for the verdict in its response.
      const waits = sent % 50 === 25;
      const at = performance.now();
      const p = post(o.system.gateway, waits ? '/api/v1/events?waitMs=3000' : '/api/v1/events', body, off.token).then((res) => {
        if (plant && res.status === 202) ackAt.set(eventId, performance.now());
        if (plant && res.status !== 202) sentAt.delete(eventId);
        if (waits && res.status === 202) {
          if ((JSON.parse(res.body) as { verdict?: { judged?: boolean } }).verdict?.judged) verdictMs.push(performance.now() - at);
          else unjudged++;
        }
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    const s = Math.floor((performance.now() - t0) / 1000);
    if (s !== lastShown) {
      lastShown = s;
      process.stderr.write(`\r  time-to-alert: ${s}/${o.seconds} s · ${sent} sent · ${alertAt.size}/${planted} alerts   `);
    }
    await new Promise((res) => setTimeout(res, 1));
  }
  const achievedRate = sent / ((performance.now() - t0) / 1000);
  await Promise.all(inflight);
  // Give the last planted hits time to arrive; stop early once all have.
  const waitUntil = performance.now() + 10_000;
  while (alertAt.size < ackAt.size && performance.now() < waitUntil) await new Promise((res) => setTimeout(res, 50));
  ws.close();
  process.stderr.write('\n');
  // From the terminal's 202 to the console frame. A frame that beat the 202 to the client counts as 0 ms.
  const samples = [...ackAt].filter(([id]) => alertAt.has(id)).map(([id, at]) => Math.max(0, alertAt.get(id)! - at));
  const fromSend = [...sentAt].filter(([id]) => alertAt.has(id)).map(([id, at]) => alertAt.get(id)! - at);
  const p = percentiles(samples);
  const v = percentiles(verdictMs);
  // Each planted event's path on the wall clock: sent, 202, the hit's detectedAt (judge), the frame (console).
  const trace = process.env.BENCH_ALERT_TRACE;
  if (trace) {
    const wall = (t: number | undefined) => (t === undefined ? null : Math.round((performance.timeOrigin + t) * 10) / 10);
    const rows = [...sentAt].map(([id, at]) => JSON.stringify({ rate, eventId: id, sent: wall(at), accepted: wall(ackAt.get(id)), detected: detectedAt.get(id) ?? null, alerted: wall(alertAt.get(id)) }));
    writeFileSync(`${trace}-${rate}.jsonl`, `${rows.join('\n')}\n`);
  }
  o.say(`  time-to-alert at ${Math.round(achievedRate)} events/s: p50 ${p.p50} ms · p95 ${p.p95} ms · p99 ${p.p99} ms (${p.n} of ${ackAt.size} planted hits)`);
  o.say(`  submit → verdict (?waitMs): p50 ${v.p50} ms · p95 ${v.p95} ms · p99 ${v.p99} ms (${v.n} judged in time, ${unjudged} not)`);
  return { p50Ms: p.p50, p95Ms: p.p95, p99Ms: p.p99, maxMs: p.max, alerts: p.n, planted: ackAt.size, missing: ackAt.size - p.n, rateEventsPerSec: rate, achievedRate: Math.round(achievedRate), sendToAlert: percentiles(fromSend), submitToVerdict: { ...v, unjudged }, samples: samples.map(round) };
}

async function timeToSearchable(o: E2EOptions, officers: Officer[], investigator: DemoUser): Promise<E2EResult['timeToSearchableMs']> {
  const r = createRandom(4);
  const inScope = officers.filter((x) => x.jurisdiction.startsWith(investigator.jurisdiction.replace(/0+$/, '')));
  const token = await login(o.system.console, investigator);
  const samples: number[] = [];
  for (let i = 0; i < o.searchSamples; i++) {
    const off = inScope[i % inScope.length]!;
    const ev = inspection(r, { checkpointId: off.checkpointId!, jurisdiction: off.jurisdiction }, new Date());
    const res = await post(o.system.gateway, '/api/v1/events', ev, off.token);
    const at = performance.now();
    if (res.status !== 202) throw new Error(`time-to-searchable: submit answered ${res.status} ${res.body}`);
    for (;;) {
      const s = await post(o.system.console, '/api/v1/search', { plate: ev.vehicle!.plate, purpose: 'benchmark time-to-searchable' }, token);
      if (s.status === 200 && (JSON.parse(s.body) as { items: Array<{ eventId: string }> }).items.some((x) => x.eventId === ev.eventId)) break;
      if (s.status !== 200) throw new Error(`search answered ${s.status}: ${s.body.slice(0, 300)}`);
      if (performance.now() - at > 30_000) throw new Error(`event ${ev.eventId} not searchable after 30 s`);
      await new Promise((res2) => setTimeout(res2, 10));
    }
    samples.push(performance.now() - at);
    process.stderr.write(`\r  time-to-searchable: ${i + 1}/${o.searchSamples}   `);
  }
  process.stderr.write('\n');
  const p = percentiles(samples);
  o.say(`  time-to-searchable: p50 ${p.p50} ms · p95 ${p.p95} ms`);
  return p;
}

export async function runE2E(o: E2EOptions): Promise<E2EResult> {
  try {
    return await phases(o);
  } finally {
    http?.close();
    http = undefined;
  }
}

async function phases(o: E2EOptions): Promise<E2EResult> {
  const { system } = o;
  const officers = await Promise.all(system.users.filter((u) => u.role === 'officer').map(async (u) => ({ ...u, token: await login(system.gateway, u) })));
  const commander = system.users.find((u) => u.role === 'commander' && u.jurisdiction === '140000');
  const investigator = system.users.find((u) => u.role === 'investigator');
  if (!commander || !investigator || officers.length === 0) throw new Error('demo accounts missing (commander 140000, investigator, officers)');
  const fugitive = '530621198604113159'; // WL-P-0001 in infra/demo/watchlist.ndjson

  o.say('preparing the batch phase’s request bodies');
  let batchBodies: ReturnType<typeof prepareBodies> | undefined = prepareBodies(officers, 'batch', o.seconds);
  o.phase?.('batch', 'start');
  o.say(`batch: ${o.seconds} s of 1,000-event batches from ${officers.length} terminals`);
  const batch = await sustained(o, officers, 'batch', batchBodies);
  batchBodies = undefined;
  o.phase?.('batch', 'end');

  let singleBodies: ReturnType<typeof prepareBodies> | undefined = prepareBodies(officers, 'single', o.seconds);
  o.phase?.('single', 'start');
  o.say(`single: ${o.seconds} s of single requests, 64 in flight`);
  const single = await sustained(o, officers, 'single', singleBodies);
  singleBodies = undefined;
  o.phase?.('single', 'end');

  const stagesBetween = (before: string, after: string) => {
    const h = (name: string, scale: number, labels: string[] = ['stage']) => diffHistogram(parseHistogram(before, name, labels), parseHistogram(after, name, labels), scale);
    return { transactionMs: h('rules_transaction_seconds', 1000), stepMs: h('rules_transaction_step_seconds', 1000, ['stage', 'step']), commitAgeMs: h('rules_commit_age_seconds', 1000), recordsPerTransaction: h('rules_transaction_records', 1), concurrentRetries: h('rules_transaction_concurrent_retries', 1) };
  };
  // Garbage collection in every process during the 1,000/s phase: a pause anywhere on the alert's path (or in this
  // process, which timestamps the alerts) shows in the tail. Services from their /metrics, this process observed.
  const services = { gateway: system.gateway, rules: system.rules, correlate: system.correlate, console: system.console, indexer: system.indexer };
  const names = Object.keys(services) as Array<keyof typeof services>;
  /** Every service's metrics text, by name, in one round. */
  const scrape = async () => {
    const texts = await Promise.all(names.map((n) => fetch(`${services[n]}/metrics`).then((r) => r.text(), () => '')));
    return Object.fromEntries(names.map((n, i) => [n, texts[i]!])) as Record<keyof typeof services, string>;
  };
  // The judge and correlation stages are separate processes: their histograms read from both texts together.
  const stagesOf = (m: Record<keyof typeof services, string>) => `${m.rules}\n${m.correlate}`;
  const figures = (h: HistogramSummary | undefined): GcFigures => (h ? { count: h.count, totalMs: Math.round(h.count * h.mean), p99Ms: h.p99 } : { count: 0, totalMs: 0, p99Ms: 0 });
  const gcOf = (before: string, after: string) => {
    const d = diffHistogram(parseHistogram(before, 'nodejs_gc_duration_seconds', 'kind'), parseHistogram(after, 'nodejs_gc_duration_seconds', 'kind'), 1000);
    return { major: figures(d.major), minor: figures(d.minor) };
  };
  let gcDuringAlert: E2EResult['gcDuringAlert'] = {};
  const timeToAlertCurve: E2EResult['timeToAlertCurve'] = [];
  let alert!: E2EResult['timeToAlert'];
  let rulesStages!: E2EResult['rulesStages'];
  for (const rate of [...(o.alertRates ?? []).filter((r) => r !== 1000), 1000]) {
    const headline = rate === 1000;
    const before = await scrape();
    const ownGc = headline ? observeOwnGc() : undefined;
    if (headline) o.phase?.('timeToAlert', 'start');
    o.say(`time-to-alert: ${o.seconds} s at ${rate.toLocaleString('en-US')} events/s, 1 in 50 a planted fugitive inside the commander's jurisdiction`);
    const a = await timeToAlert(o, officers, fugitive, commander, rate);
    if (headline) o.phase?.('timeToAlert', 'end');
    const after = await scrape();
    if (headline) {
      gcDuringAlert = Object.fromEntries(names.map((n) => [n, gcOf(before[n], after[n])]));
      gcDuringAlert['load generator'] = ownGc!.stop();
      o.say(`  garbage collection during it (major: count / total ms / longest bucket ms): ${Object.entries(gcDuringAlert).map(([n, g]) => `${n} ${g.major.count} / ${g.major.totalMs} / ${g.major.p99Ms}`).join(', ')}`);
    }
    const stages = stagesBetween(stagesOf(before), stagesOf(after));
    const steps = ['begin', 'send', 'offsets', 'commit'].map((st) => `${st} ${stages.stepMs[`judge/${st}`]?.mean ?? '?'}`).join(', ');
    o.say(`  rules judge stage: ${stages.transactionMs.judge?.count ?? 0} transactions, mean ${stages.transactionMs.judge?.mean} ms, ${stages.recordsPerTransaction.judge?.mean} events each, oldest event ${stages.commitAgeMs.judge?.mean} ms old at commit (mean), ${stages.concurrentRetries.judge?.mean ?? '?'} CONCURRENT_TRANSACTIONS retries a transaction (mean); steps (mean ms): ${steps}`);
    timeToAlertCurve.push({ rate, achievedRate: a.achievedRate, p50Ms: a.p50Ms, p95Ms: a.p95Ms, p99Ms: a.p99Ms, alerts: a.alerts, planted: a.planted, submitToVerdictP50Ms: a.submitToVerdict.p50, submitToVerdictP99Ms: a.submitToVerdict.p99, judgeTransactionMs: stages.transactionMs.judge?.mean, judgeEventsPerTransaction: stages.recordsPerTransaction.judge?.mean });
    if (headline) [alert, rulesStages] = [a, stages];
  }

  o.say(`time-to-searchable: ${o.searchSamples} events, one at a time`);
  const searchable = await timeToSearchable(o, officers, investigator);
  return { batch, single, timeToAlert: alert, timeToAlertCurve, timeToSearchableMs: searchable, rulesStages, gcDuringAlert };
}

type GcFigures = { count: number; totalMs: number; p99Ms: number };
/** This process's own garbage collections until `stop()` (p99Ms here: the longest pause). */
function observeOwnGc(): { stop: () => { major: GcFigures; minor: GcFigures } } {
  const seen = { major: [] as number[], minor: [] as number[] };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) seen.major.push(e.duration);
      else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) seen.minor.push(e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const sum = (xs: number[]): GcFigures => ({ count: xs.length, totalMs: Math.round(xs.reduce((a, b) => a + b, 0)), p99Ms: Math.round(Math.max(0, ...xs) * 10) / 10 });
  return {
    stop: () => {
      obs.disconnect();
      return { major: sum(seen.major), minor: sum(seen.minor) };
    },
  };
}
