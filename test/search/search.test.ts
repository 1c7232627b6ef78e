import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSchema } from '../../schemas/src';
import { createHttpService } from '../../lib/http-service';
import { createMetrics } from '../../lib/metrics';
import { registerDocs } from '../../lib/openapi';
import { createTokenService } from '../../lib/auth/tokens';
import type { Role } from '../../lib/auth/tokens';
import { loadCheckpointRegistry } from '../../lib/checkpoints';
import { ensureIndexTemplates, indexFor } from '../../infra/elasticsearch/templates';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { eventDocument } from '../../services/indexer/src/event-document';
import { registerSearchRoutes, type SearchAuditRecord } from '../../services/console/src/search';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { drugTest, IDS, inspection, seizure } from '../support/sample-events';

type Json = Record<string, unknown>;
const HOUR = 3_600_000;
/** Event time as a terminal in China sends it. */
const cst = (ms: number) => new Date(ms + 8 * HOUR).toISOString().replace('Z', '+08:00');
const now = Date.now();
const registry = loadCheckpointRegistry('infra/demo/checkpoints.json');

// The planted network: one vehicle seen along the G5 corridor, then seized; a decoy; a look-alike plate; Yunnan.
const route = [
  inspection({ occurredAt: cst(now - 72 * HOUR), checkpointId: 'CP-140321-G20-01', vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' } }),
  inspection({ occurredAt: cst(now - 48 * HOUR), checkpointId: 'CP-140100-G5-03', vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' } }),
  inspection({ occurredAt: cst(now - 47 * HOUR), checkpointId: 'CP-140100-G5-03', vehicle: { plate: '晋C7K245', kind: 'car', direction: 'outbound' } }),
  inspection({ occurredAt: cst(now - 24 * HOUR), checkpointId: 'CP-140802-G5-02', vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' }, findings: { suspicious: true, indicators: ['hidden_compartment'], note: '后备箱夹层发现可疑包裹' }, outcome: 'held' }),
];
const seized = seizure({ occurredAt: cst(now - 23 * HOUR), checkpointId: 'CP-140802-G5-02', vehicles: [{ plate: '晋C7K245' }], persons: [{ idNumber: IDS.hejin, role: 'driver', detained: true, name: '张伟' }] });
const positive = drugTest({ occurredAt: cst(now - 22 * HOUR), checkpointId: 'CP-140802-G5-02', results: [{ substance: 'methamphetamine', outcome: 'positive', cutoffNgMl: 50 }] });
const decoy = inspection({ occurredAt: cst(now - 5 * HOUR), checkpointId: 'CP-140882-G5-01', vehicle: { plate: '晋C12346', kind: 'car', direction: 'inbound' }, driver: { idNumber: IDS.yangquan }, passengers: [] });
const lookalike = inspection({ occurredAt: cst(now - 4 * HOUR), checkpointId: 'CP-140882-G5-01', vehicle: { plate: '晋A8B5S2', kind: 'truck', direction: 'inbound' }, driver: { idNumber: IDS.ordos }, passengers: [] });
const yunnan = inspection({ occurredAt: cst(now - 3 * HOUR), checkpointId: 'CP-530621-G85-02', vehicle: { plate: '云A12345', kind: 'car', direction: 'outbound' }, driver: { idNumber: IDS.ludian }, passengers: [] });
const produced = [...route, seized, positive, decoy, lookalike, yunnan];
const hit = {
  hitId: `hit-${randomUUID()}`, ruleId: 'watchlist-vehicle', ruleVersion: 1, severity: 'critical', category: 'case_vehicle', action: 'detain',
  occurredAt: seized.occurredAt, detectedAt: seized.occurredAt, checkpointId: 'CP-140802-G5-02', jurisdictions: ['140802'],
  subject: { kind: 'person', key: IDS.hejin, display: `张伟 ${IDS.hejin}` }, match: { exact: true, kind: 'exact' },
  evidence: [{ eventId: seized.eventId, type: 'seizure', checkpointId: 'CP-140802-G5-02', occurredAt: seized.occurredAt }],
  summary: { zh: '在逃人员', en: 'fugitive' }, status: 'new', version: 1,
};
const BULK = 2_500;

describe('investigator search with real Kafka and Elasticsearch', () => {
  let ns: Namespace;
  let indexer: Indexer;
  let app: FastifyInstance;
  const audits: SearchAuditRecord[] = [];
  const tokens = createTokenService({ secret: 'search-test-secret-0123456789abcdef' });
  const as = (role: Role, jur: string) => ({ authorization: `Bearer ${tokens.issue({ sub: `${role}-${jur}`, role, jur }).token}` });
  const search = async (headers: Json, body: Json) => app.inject({ method: 'POST', url: '/api/v1/search', headers: headers as Record<string, string>, payload: body });
  const get = async (headers: Json, url: string) => app.inject({ method: 'GET', url, headers: headers as Record<string, string> });
  const ids = (res: { json(): unknown }) => (res.json() as { items: Array<{ eventId: string }> }).items.map((i) => i.eventId).sort();
  const purpose = '案件 A-2026-117 溯源';

  beforeAll(async () => {
    ns = await createNamespace('search');
    indexer = buildIndexer(loadIndexerConfig(ns.env), { logger: ns.logger, kafka: ns.kafka });
    await indexer.start();
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: ns.topics.events, acks: -1, messages: produced.map((e) => ({ key: String(e.checkpointId), value: JSON.stringify(e), headers: { 'event-id': String(e.eventId) } })) });
    await producer.send({ topic: ns.topics.hits, acks: -1, messages: [{ key: hit.hitId, value: JSON.stringify(hit) }] });
    await producer.disconnect();

    // Bulk volume for the export (three pages of a point in time), loaded directly as the indexer would.
    await ensureIndexTemplates(ns.es, ns.indexPrefix);
    const operations = Array.from({ length: BULK }, (_, i) => {
      const e = EventSchema.parse(inspection({ occurredAt: cst(now - 100 * HOUR - i * 1000), checkpointId: 'CP-510100-G4201-01', vehicle: { plate: `川A${String(10000 + i)}`, kind: 'car', direction: 'inbound' }, driver: { idNumber: IDS.chengdu }, passengers: [] }));
      return [{ create: { _index: indexFor(ns.indexPrefix, 'events', e.occurredAt), _id: e.eventId } }, eventDocument(e, registry)];
    }).flat();
    const bulk = await ns.es.bulk({ operations, refresh: 'wait_for' });
    expect(bulk.errors).toBe(false);

    app = createHttpService({ logger: ns.logger, metrics: createMetrics('console-test'), isReady: () => true });
    registerDocs(app, { title: 'search test', version: '1.0.0' });
    // As the console does: routes inside a plugin, so the docs plugin (loaded first) sees them.
    void app.register(async (api) => registerSearchRoutes(api, { es: ns.es, indexPrefix: ns.indexPrefix, tokens, checkpoints: registry, audit: (r) => audits.push(r) }));
    await app.ready();
    await eventually('the produced events and the hit indexed', async () => {
      await ns.es.indices.refresh({ index: `${ns.indexPrefix}events,${ns.indexPrefix}hits` }).catch(() => undefined);
      const [e, h] = await Promise.all([
        ns.es.count({ index: `${ns.indexPrefix}events`, query: { terms: { eventId: produced.map((x) => String(x.eventId)) } } }),
        ns.es.count({ index: `${ns.indexPrefix}hits`, ignore_unavailable: true, allow_no_indices: true }),
      ]);
      return e.count === produced.length && h.count === 1 ? true : undefined;
    }, 60_000, 250);
  });
  afterAll(async () => {
    await app?.close();
    await indexer?.stop();
    await ns?.cleanup();
  });

  it('finds the planted vehicle by a partial plate (晋C*45) and by any substring, but not the decoy', async () => {
    const inv = as('investigator', '140000');
    const wanted = [...route, seized].map((e) => String(e.eventId)).sort();
    expect(ids(await search(inv, { plate: '晋C*45', purpose, size: 200 }))).toEqual(wanted);
    expect(ids(await search(inv, { plate: 'c7k2', purpose, size: 200 }))).toEqual(wanted);
    expect(ids(await search(inv, { plate: '晋C1*46', purpose }))).toEqual([String(decoy.eventId)]);
    expect(ids(await search(inv, { plate: '晋C7K245', purpose, types: ['seizure'] }))).toEqual([String(seized.eventId)]);
  });

  it('finds a plate from an OCR misreading only when look-alikes are asked for', async () => {
    const inv = as('investigator', '140000');
    expect(ids(await search(inv, { plate: '晋AB8SS2', purpose }))).toEqual([]);
    expect(ids(await search(inv, { plate: '晋AB8SS2', plateFuzzy: true, purpose }))).toEqual([String(lookalike.eventId)]);
    expect(ids(await search(inv, { plate: '普A8B5S2', plateFuzzy: true, purpose }))).toEqual([String(lookalike.eventId)]);
    expect(ids(await search(inv, { plate: 'A8B5', plateFuzzy: true, purpose }))).toEqual([String(lookalike.eventId)]);
  });

  it('requires a purpose for plate and person searches and timelines, and audits every search with its terms', async () => {
    const inv = as('investigator', '140000');
    const noPurpose = await search(inv, { plate: '晋C*45' });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json()).toMatchObject({ code: 'purpose_required', errors: [{ path: '/purpose' }] });
    expect((await search(inv, { idNumber: IDS.hejin, purpose: 'ab' })).json()).toMatchObject({ code: 'purpose_required' });
    expect((await get(inv, `/api/v1/entities/vehicles/${encodeURIComponent('晋C7K245')}/timeline`)).json()).toMatchObject({ code: 'purpose_required' });
    expect((await get(inv, `/api/v1/entities/persons/${IDS.hejin}/associates`)).statusCode).toBe(400);
    expect((await search(inv, { types: ['seizure'] })).statusCode).toBe(200);
    audits.length = 0;
    await search(inv, { plate: '晋C*45', purpose });
    expect(audits).toEqual([expect.objectContaining({ actor: 'investigator-140000', role: 'investigator', action: 'search', purpose, terms: { plate: '晋C*45' }, details: expect.objectContaining({ total: 5 }) })]);
  });

  it('keeps every query inside the caller’s jurisdiction: Yunnan sees no Shanxi event', async () => {
    const yn = as('investigator', '530000');
    const all = await search(yn, { size: 200 });
    expect(ids(all)).toEqual([String(yunnan.eventId)]);
    expect((await search(yn, { plate: '晋C*45', purpose })).json()).toMatchObject({ total: 0, items: [] });
    expect((await get(yn, `/api/v1/events/${String(seized.eventId)}`)).statusCode).toBe(404);
    expect((await get(yn, `/api/v1/entities/vehicles/${encodeURIComponent('晋C7K245')}/timeline?purpose=${encodeURIComponent(purpose)}`)).json()).toMatchObject({ sightings: [] });
    expect((await search(yn, { jurisdiction: '140000' })).json()).toMatchObject({ status: 403, code: 'grant_required' });
    const stats = (await get(yn, '/api/v1/stats/summary')).json() as { inspections: number; seizures: { count: number } };
    expect(stats).toMatchObject({ inspections: 1, seizures: { count: 0 } });
    // A prefecture sees its own checkpoints only.
    const yuncheng = await search(as('commander', '140800'), { size: 200 });
    expect(ids(yuncheng)).toEqual([route[3]!, seized, positive, decoy, lookalike].map((e) => String(e.eventId)).sort());
  });

  it('lets only the intended roles search, and masks resident ids for commanders', async () => {
    expect((await search(as('officer', '140000'), {})).statusCode).toBe(403);
    expect((await search(as('auditor', '140000'), {})).statusCode).toBe(403);
    expect((await get(as('auditor', '140000'), '/api/v1/stats/summary')).statusCode).toBe(200);
    expect((await get(as('commander', '140000'), `/api/v1/entities/persons/${IDS.hejin}/timeline?purpose=${encodeURIComponent(purpose)}`)).statusCode).toBe(403);
    const byInvestigator = (await search(as('investigator', '140000'), { plate: '晋C7K245', types: ['seizure'], purpose })).json() as { items: Array<{ persons: string[] }> };
    const byCommander = (await search(as('commander', '140000'), { plate: '晋C7K245', types: ['seizure'], purpose })).json() as { items: Array<{ persons: string[] }> };
    expect(byInvestigator.items[0]!.persons).toEqual([IDS.hejin]);
    expect(byCommander.items[0]!.persons).toEqual([`${IDS.hejin.slice(0, 6)}********${IDS.hejin.slice(14)}`]);
    const ev = (await get(as('commander', '140000'), `/api/v1/events/${String(seized.eventId)}`)).json() as { event: { persons: Array<{ idNumber: string }> }; hits: Array<{ hitId: string; subject: { key: string; display: string } }> };
    expect(ev.event.persons[0]!.idNumber).toBe(byCommander.items[0]!.persons[0]);
    expect(ev.hits.map((h) => h.hitId)).toEqual([hit.hitId]);
    expect(JSON.stringify(ev)).not.toContain(IDS.hejin);
  });

  it('finds Chinese free text as phrases and highlights it', async () => {
    const res = (await search(as('investigator', '140000'), { query: '夹层' })).json() as { items: Array<{ eventId: string; highlight?: string[] }> };
    expect(res.items.map((i) => i.eventId)).toEqual([String(route[3]!.eventId)]);
    expect(res.items[0]!.highlight?.join('')).toContain('后备箱<em>夹层</em>发现');
    expect((await search(as('investigator', '140000'), { query: '层夹' })).json()).toMatchObject({ total: 0 });
  });

  it('pages with an opaque cursor through every result exactly once, and aggregates', async () => {
    const inv = as('investigator', '140000');
    const seen: string[] = [];
    let next: string | undefined;
    let total = 0;
    do {
      const page = (await search(inv, { size: 3, sort: 'occurredAt:asc', ...(next ? { after: next } : {}) })).json() as { total: number; items: Array<{ eventId: string }>; next?: string };
      total = page.total;
      seen.push(...page.items.map((i) => i.eventId));
      next = page.next;
    } while (next);
    expect(total).toBe(produced.length - 1);
    expect(new Set(seen).size).toBe(total);
    expect((await search(inv, { after: 'garbage' })).statusCode).toBe(400);
    const aggs = (await search(inv, { aggregations: true, size: 1 })).json() as { aggregations: { byType: Array<{ key: string; count: number }>; bySubstance: Array<{ key: string; grams: number; count: number }>; overTime: unknown[] } };
    expect(aggs.aggregations.byType).toEqual(expect.arrayContaining([{ key: 'inspection', count: 6 }, { key: 'seizure', count: 1 }, { key: 'drug_test', count: 1 }]));
    expect(aggs.aggregations.bySubstance).toEqual([{ key: 'methamphetamine', grams: 1250.5, count: 1 }]);
    expect(aggs.aggregations.overTime.length).toBeGreaterThan(0);
  });

  it('streams exports as CSV and NDJSON over several pages, one row per event', async () => {
    const admin = as('admin', '510000');
    const csv = await get(admin, '/api/v1/search/export?format=csv&types=inspection&checkpointIds=CP-510100-G4201-01');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('\ufeffeventId,type,occurredAt,checkpointId,checkpointName,jurisdiction,plate,persons,summary');
    expect(lines).toHaveLength(BULK + 1);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(BULK);
    expect(lines[1]).toContain('成都绕城高速环城查控卡点');

    const tokenInQuery = tokens.issue({ sub: 'inv', role: 'investigator', jur: '140000' }).token;
    const nd = await app.inject({ method: 'GET', url: `/api/v1/search/export?format=ndjson&plate=${encodeURIComponent('晋C*45')}&purpose=${encodeURIComponent(purpose)}&sort=occurredAt:asc&token=${tokenInQuery}` });
    expect(nd.statusCode).toBe(200);
    const rows = nd.body.trim().split('\n').map((l) => JSON.parse(l) as { eventId: string; plate: string });
    expect(rows.map((r) => r.eventId)).toEqual([...route, seized].map((e) => String(e.eventId)));
    expect((await get(admin, '/api/v1/search/export?format=ndjson&plate=C7K')).json()).toMatchObject({ code: 'purpose_required' });
    expect((await get(as('commander', '140000'), '/api/v1/search/export')).statusCode).toBe(403);
  });

  it('traces a vehicle and a person: timelines in time order, associates, and the route before the seizure', async () => {
    const inv = as('investigator', '140000');
    const q = `purpose=${encodeURIComponent(purpose)}`;
    const tl = (await get(inv, `/api/v1/entities/vehicles/${encodeURIComponent('晋C7K245')}/timeline?${q}`)).json() as { plate: string; sightings: Array<{ eventId: string; checkpointName: { zh: string }; lat: number; direction?: string }> };
    expect(tl.plate).toBe('晋C7K245');
    expect(tl.sightings.map((s) => s.eventId)).toEqual([...route, seized].map((e) => String(e.eventId)));
    expect(tl.sightings[0]).toMatchObject({ checkpointName: { zh: '阳泉娘子关省界公安检查站' }, lat: 37.968, direction: 'inbound' });

    const person = (await get(inv, `/api/v1/entities/persons/${IDS.hejin}/timeline?${q}`)).json() as { sightings: Array<{ eventId: string; role?: string }> };
    expect(person.sightings.map((s) => s.eventId)).toEqual([...route, seized, positive].map((e) => String(e.eventId)));
    expect(person.sightings.map((s) => s.role)).toEqual(['driver', 'driver', 'driver', 'driver', 'driver', 'subject']);

    const assoc = (await get(inv, `/api/v1/entities/persons/${IDS.hejin}/associates?${q}`)).json() as { associates: Array<{ idNumber: string; count: number; plates: string[]; lastSeenAt: string }> };
    expect(assoc.associates).toEqual([{ idNumber: IDS.taiyuan, display: IDS.taiyuan, count: 4, plates: ['晋C7K245'], lastSeenAt: route[3]!.occurredAt }]);

    const r = (await get(inv, `/api/v1/entities/vehicles/${encodeURIComponent('晋C7K245')}/route?days=30&${q}`)).json() as { points: Array<{ checkpointId: string }> };
    expect(r.points.map((p) => p.checkpointId)).toEqual(['CP-140321-G20-01', 'CP-140100-G5-03', 'CP-140802-G5-02']);
  });

  it('documents every search route with its inputs in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ name: string }> }>> };
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/entities/persons/{idNumber}/associates', '/api/v1/entities/persons/{idNumber}/timeline', '/api/v1/entities/vehicles/{plate}/route', '/api/v1/entities/vehicles/{plate}/timeline', '/api/v1/events/{eventId}', '/api/v1/search', '/api/v1/search/export', '/api/v1/stats/summary']);
    expect(doc.paths['/api/v1/search']!.post!.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/search/export']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['format', 'plate', 'purpose']));
  });

  it('summarises statistics within scope: tests, positive rate, seizures by substance, hits by severity', async () => {
    const s = (await get(as('commander', '140000'), '/api/v1/stats/summary?bucket=day')).json() as Json;
    expect(s).toMatchObject({
      inspections: 6,
      drugTests: 1,
      positiveTests: 1,
      positiveRate: 1,
      seizures: { count: 1, bySubstance: [{ substance: 'methamphetamine', grams: 1250.5, count: 1 }] },
      hits: { bySeverity: { critical: 1, high: 0, medium: 0, low: 0 }, byStatus: { new: 1, acknowledged: 0, assigned: 0, resolved: 0 } },
    });
    expect((s.overTime as Array<{ hits: number }>).reduce((n, b) => n + b.hits, 0)).toBe(1);
    expect(s.byJurisdiction).toEqual(expect.arrayContaining([expect.objectContaining({ jurisdiction: '140802', seizures: 1, positiveTests: 1 })]));
    expect((await get(as('commander', '140000'), '/api/v1/stats/summary?bucket=hour&from=2026-01-01&to=2026-11-01')).statusCode).toBe(400);
  });
});
