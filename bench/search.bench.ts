import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { computeCheckDigit, type Event } from '../schemas/src';
import { createCheckpointRegistry, type CheckpointRef } from '../lib/checkpoints';
import { createElasticsearch } from '../lib/elasticsearch';
import { createHttpService } from '../lib/http-service';
import { createLogger } from '../lib/logger';
import { createMetrics } from '../lib/metrics';
import { createTokenService } from '../lib/auth/tokens';
import { ensureStack } from '../infra/stack/stack';
import { ensureIndexTemplates, indexFor } from '../infra/elasticsearch/templates';
import { eventDocument } from '../services/indexer/src/event-document';
import { registerSearchRoutes } from '../services/console/src/search';
import { describeMachine, percentiles } from './machine';

/**
 * Search over many events: bulk-loads synthetic events (the indexer's own documents, templates and monthly
 * indices) into a bench prefix, reports indexing throughput, then measures latency percentiles of the
 * console's search API (through the plugin, as a client sees it) for id, exact / partial / look-alike
 * plate, person timeline, free text and aggregation queries.
 *   npx tsx bench/search.bench.ts [--events N] [--quick] [--keep] [--samples 200] [--out file.json]
 */
const { values: args } = parseArgs({ options: { events: { type: 'string' }, quick: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, samples: { type: 'string' }, concurrency: { type: 'string' }, out: { type: 'string' } } });
const N = Number(args.events ?? (args.quick ? 200_000 : 10_000_000));
const SAMPLES = Number(args.samples ?? 200);
const CONCURRENCY = Number(args.concurrency ?? 3);
const BULK = 5_000;
const say = (m: string) => process.stderr.write(`${m}\n`);

/** Deterministic pseudo-random numbers, so two runs load the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261122);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const PROVINCES: Array<[string, string]> = [['11', '京'], ['12', '津'], ['13', '冀'], ['14', '晋'], ['15', '蒙'], ['21', '辽'], ['22', '吉'], ['23', '黑'], ['31', '沪'], ['32', '苏'], ['33', '浙'], ['34', '皖'], ['35', '闽'], ['36', '赣'], ['37', '鲁'], ['41', '豫'], ['42', '鄂'], ['43', '湘'], ['44', '粤'], ['45', '桂'], ['50', '渝'], ['51', '川'], ['52', '贵'], ['53', '云'], ['61', '陕'], ['62', '甘'], ['63', '青'], ['64', '宁'], ['65', '新']];
const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';
const VEHICLES = Math.max(1_000, Math.floor(N / 10));
const PERSONS = Math.max(2_000, Math.floor(N / 5));
const NOTES = ['例行检查', '驾驶员神情紧张', '后备箱夹层发现可疑包裹', '车内有刺激性气味', '货物与单据不符', '乘客拒绝配合检查', '油箱改装痕迹', '随身携带大量现金', ''];
const SUBSTANCES = ['methamphetamine', 'heroin', 'ketamine', 'mdma', 'cannabis', 'methamphetamine_tablets'] as const;

// ~10 checkpoints per province, spread over prefectures and counties.
const checkpoints: CheckpointRef[] = PROVINCES.flatMap(([code], p) =>
  Array.from({ length: 10 }, (_, k) => {
    const jur = `${code}${String(1 + (k % 5)).padStart(2, '0')}${String(1 + (k % 3)).padStart(2, '0')}`;
    return { checkpointId: `CP-${jur}-G${p}${k}-01`, name: { zh: `检查站 ${jur}-${k}`, en: `checkpoint ${jur}-${k}` }, jurisdiction: jur, lat: 20 + rand() * 25, lon: 90 + rand() * 30, kind: 'fixed' as const, corridorIds: [] };
  }),
);
const registry = createCheckpointRegistry({ checkpoints, corridors: [] });

/** Vehicle j's plate: its province, an authority letter and a 5-character serial, all from j. */
function plateOf(j: number): string {
  const [, prov] = PROVINCES[j % PROVINCES.length]!;
  let x = Math.floor(j / PROVINCES.length);
  let serial = '';
  for (let i = 0; i < 5; i++) {
    serial += i < 2 ? SERIAL[x % SERIAL.length] : DIGITS[x % 10];
    x = Math.floor(x / (i < 2 ? SERIAL.length : 10));
  }
  return `${prov}${SERIAL[j % 24]}${serial}`;
}
/** Person i's valid 18-digit resident id (region, birth date, sequence and MOD 11-2 check from i). */
function idOf(i: number): string {
  const [code] = PROVINCES[i % PROVINCES.length]!;
  const first17 = `${code}0102${1960 + (i % 45)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(Math.floor(i / 100) % 1000).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

const YEAR = 365 * 86_400_000;
const start = Date.now() - YEAR;
const cst = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');

function synthetic(n: number): Event {
  const v = Math.floor(rand() * VEHICLES);
  const cp = pick(checkpoints);
  const base = { schemaVersion: 1 as const, eventId: `bench-${n}`, occurredAt: cst(start + Math.floor((n / N) * YEAR)), checkpointId: cp.checkpointId, terminalId: `T-${n % 500}`, officerIds: [`O-${n % 2000}`] };
  const driver = { idNumber: idOf(v % PERSONS) };
  const r = rand();
  if (r < 0.8) {
    const passengers = rand() < 0.3 ? [{ idNumber: idOf((v + 1) % PERSONS) }] : [];
    return { ...base, type: 'inspection', vehicle: { plate: plateOf(v), kind: 'car', direction: rand() < 0.5 ? 'inbound' : 'outbound' }, driver, passengers, findings: { suspicious: rand() < 0.05, indicators: [], note: pick(NOTES) }, outcome: 'released' };
  }
  if (r < 0.95) {
    return { ...base, type: 'drug_test', subject: driver, reason: 'routine', specimen: 'saliva', kit: { model: 'DT-6', lot: 'L1' }, results: [{ substance: 'methamphetamine', outcome: rand() < 0.05 ? 'positive' : 'negative' }] };
  }
  return { ...base, type: 'seizure', items: [{ substance: pick(SUBSTANCES), form: 'crystal', netWeightGrams: Math.round(rand() * 500_000) / 100 + 0.01, packages: 1 + Math.floor(rand() * 9), concealment: '夹层' }], cashCny: 0, vehicles: [{ plate: plateOf(v) }], persons: [{ ...driver, role: 'driver', detained: true }], precursors: [] };
}

async function main(): Promise<void> {
  const esUrl = process.env.ES_URL ?? (await ensureStack({ log: say })).esUrl;
  const es = createElasticsearch(esUrl, { requestTimeoutMs: 120_000, maxRetries: 3 });
  const prefix = `bench-search-${Date.now()}-`;
  await ensureIndexTemplates(es, prefix);
  say(`loading ${N.toLocaleString()} synthetic events into ${prefix}events-* (${CONCURRENCY} bulk requests of ${BULK} in flight)`);

  let next = 0;
  let loaded = 0;
  const sampleIds: string[] = [];
  const samplePlates: string[] = [];
  const samplePersons: string[] = [];
  const t0 = performance.now();
  let lastReport = t0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        // Claim a range before any await: the other loaders move `next` meanwhile.
        const from = next;
        const to = Math.min(N, next + BULK);
        next = to;
        const operations: object[] = [];
        for (let n = from; n < to; n++) {
          const e = synthetic(n);
          const doc = eventDocument(e, registry);
          if (n % 1000 === 0) {
            sampleIds.push(e.eventId);
            if (doc.plates[0]) samplePlates.push(doc.plates[0]);
            if (doc.personIds[0]) samplePersons.push(doc.personIds[0]);
          }
          operations.push({ create: { _index: indexFor(prefix, 'events', e.occurredAt), _id: e.eventId } }, doc);
        }
        const res = await es.bulk({ operations });
        if (res.errors) throw new Error(`bulk errors: ${JSON.stringify(res.items.find((i) => Object.values(i)[0]!.error))}`);
        loaded += to - from;
        const t = performance.now();
        if (t - lastReport > 2_000) {
          lastReport = t;
          process.stderr.write(`\rindexed ${loaded.toLocaleString()}/${N.toLocaleString()} · ${Math.round(loaded / ((t - t0) / 1000)).toLocaleString()} docs/s   `);
        }
      }
    }),
  );
  const loadSeconds = (performance.now() - t0) / 1000;
  await es.indices.refresh({ index: `${prefix}events` });
  const stats = await es.indices.stats({ index: `${prefix}events`, metric: ['store'] });
  // `_count`, not index stats: those also count the nested `seized` documents.
  const docs = (await es.count({ index: `${prefix}events` })).count;
  if (docs !== N) throw new Error(`expected ${N} documents, found ${docs}`);
  const indexing = { events: N, docs, seconds: Math.round(loadSeconds), docsPerSec: Math.round(N / loadSeconds), storeGiB: Math.round(((stats._all.primaries?.store?.size_in_bytes ?? 0) / 2 ** 30) * 100) / 100, monthlyIndices: Object.keys(await es.indices.get({ index: `${prefix}events-*` })).length };
  say(`\nindexed ${N.toLocaleString()} in ${indexing.seconds} s: ${indexing.docsPerSec.toLocaleString()} docs/s, ${indexing.storeGiB} GiB`);

  // The console's search API in-process, as a client calls it (auth, scope, query building, shaping).
  const logger = createLogger({ level: 'warn', name: 'bench-search' });
  const tokens = createTokenService({ secret: 'bench-search-secret-0123456789abcdef' });
  const app = createHttpService({ logger, metrics: createMetrics('bench'), isReady: () => true });
  registerSearchRoutes(app, { es, indexPrefix: prefix, tokens, checkpoints: registry });
  await app.ready();
  const national = { authorization: `Bearer ${tokens.issue({ sub: 'bench', role: 'investigator', jur: '000000' }).token}` };
  const province = { authorization: `Bearer ${tokens.issue({ sub: 'bench-sx', role: 'investigator', jur: '140000' }).token}` };
  const purpose = '性能测试 bench';
  const lookalike = (p: string) => p.replace(/[0O8B5S2Z]/, (c) => ({ '0': 'O', O: '0', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2' })[c] ?? c);
  const chars = (p: string) => [...p];

  const scenarios: Record<string, () => { url: string; method: 'GET' | 'POST'; headers: Record<string, string>; payload?: object }> = {
    eventById: () => ({ method: 'GET', url: `/api/v1/events/${pick(sampleIds)}`, headers: national }),
    plateExact: () => ({ method: 'POST', url: '/api/v1/search', headers: national, payload: { plate: pick(samplePlates), purpose } }),
    platePartial: () => {
      const c = chars(pick(samplePlates));
      return { method: 'POST', url: '/api/v1/search', headers: national, payload: { plate: `${c[0]}${c[1]}*${c.slice(-2).join('')}`, purpose } };
    },
    plateSubstring: () => ({ method: 'POST', url: '/api/v1/search', headers: national, payload: { plate: chars(pick(samplePlates)).slice(2, 6).join(''), purpose } }),
    plateFuzzy: () => ({ method: 'POST', url: '/api/v1/search', headers: national, payload: { plate: lookalike(pick(samplePlates)), plateFuzzy: true, purpose } }),
    personTimeline: () => ({ method: 'GET', url: `/api/v1/entities/persons/${pick(samplePersons)}/timeline?purpose=${encodeURIComponent(purpose)}`, headers: national }),
    freeTextScoped: () => ({ method: 'POST', url: '/api/v1/search', headers: province, payload: { query: pick(['夹层', '可疑包裹', '现金']), from: cst(Date.now() - 30 * 86_400_000) } }),
    searchAggregations: () => ({ method: 'POST', url: '/api/v1/search', headers: province, payload: { aggregations: true, size: 20, from: cst(Date.now() - 90 * 86_400_000) } }),
    statsSummary30d: () => ({ method: 'GET', url: '/api/v1/stats/summary?bucket=day', headers: province }),
    statsSummaryNational365d: () => ({ method: 'GET', url: `/api/v1/stats/summary?bucket=day&from=${cst(Date.now() - YEAR).slice(0, 10)}`, headers: national }),
  };
  const latency: Record<string, ReturnType<typeof percentiles> & { meanTotal: number }> = {};
  for (const [name, make] of Object.entries(scenarios)) {
    for (let i = 0; i < 10; i++) await app.inject(make());
    const samples: number[] = [];
    let totals = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const req = make();
      const t = performance.now();
      const res = await app.inject(req);
      samples.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      totals += (JSON.parse(res.body) as { total?: number }).total ?? 0;
    }
    latency[name] = { ...percentiles(samples), meanTotal: Math.round(totals / SAMPLES) };
    say(`${name.padEnd(26)} p50 ${latency[name].p50} ms · p95 ${latency[name].p95} ms · p99 ${latency[name].p99} ms`);
  }
  await app.close();

  if (!args.keep) {
    await es.indices.delete({ index: `${prefix}*`, allow_no_indices: true });
    await es.indices.deleteIndexTemplate({ name: `${prefix}*` });
  }
  await es.close();
  const result = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    events: N,
    distinctVehicles: VEHICLES,
    distinctPersons: PERSONS,
    checkpoints: checkpoints.length,
    samplesPerQuery: SAMPLES,
    indexing,
    latencyMs: latency,
    notes: 'Latency through the console search plugin (fastify inject → Elasticsearch), one request at a time; single-node Elasticsearch (integ-test zip, 512 MB heap by default), one shard per monthly index, refresh 1 s during the load.',
    kept: args.keep ? prefix : undefined,
  };
  mkdirSync('bench/results', { recursive: true });
  const file = args.out ?? `bench/results/${result.date.slice(0, 10)}-search${args.quick ? '-quick' : ''}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
