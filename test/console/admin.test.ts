import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS, inspection } from '../support/sample-events';
import { readAll } from '../gateway/gateway-harness';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { startConsole, tokenFor, type RunningConsole } from './console-harness';

const entry = (entryId: string, over: Record<string, unknown> = {}) => ({
  entryId,
  kind: 'person',
  key: IDS.hejin,
  category: 'fugitive',
  severity: 'critical',
  action: 'detain',
  ownerJurisdiction: '140882',
  reason: '网上在逃 / wanted',
  attributes: {},
  ...over,
});

describe('watchlist and rules administration', () => {
  let ns: Namespace;
  let con: RunningConsole;
  let indexer: Indexer;
  const admin = tokenFor('admin', '140000');
  const call = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown, token = admin, headers: Record<string, string> = {}) =>
    con.svc.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload !== undefined ? { payload: payload as string } : {}) });

  beforeAll(async () => {
    ns = await createNamespace('admin');
    indexer = buildIndexer(loadIndexerConfig({ ...ns.env, INDEXER_LINGER_MS: '0' }), { logger: ns.logger, kafka: ns.kafka, es: ns.es });
    await indexer.start();
    con = await startConsole(ns, { INSTANCE_ID: 'console-admin', IMPORT_BATCH_SIZE: '3' });
  });
  afterAll(async () => {
    await con?.svc.stop();
    await indexer?.stop();
    await ns?.cleanup();
  });

  it('creates, versions, reads and deletes an entry through the compacted topic, with provenance', async () => {
    const created = await call('PUT', '/api/v1/watchlist/entries/WL-T-1', entry('WL-T-1'));
    expect(created.statusCode).toBe(200);
    expect(created.json().entry).toMatchObject({ entryId: 'WL-T-1', version: 1, provenance: { source: 'admin', by: 'admin-140000' } });
    const updated = await call('PUT', '/api/v1/watchlist/entries/WL-T-1', entry('WL-T-1', { severity: 'high', version: 77 }));
    expect(updated.json().entry).toMatchObject({ version: 2, severity: 'high' });
    expect((await call('GET', '/api/v1/watchlist/entries/WL-T-1')).json().entry.version).toBe(2);
    const onTopic = (await readAll(ns, ns.topics.watchlist, 2)).filter((m) => m.key === 'WL-T-1');
    expect(onTopic.map((m) => JSON.parse(m.value).version)).toEqual([1, 2]);
    expect((await call('DELETE', '/api/v1/watchlist/entries/WL-T-1')).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/watchlist/entries/WL-T-1')).statusCode).toBe(404);
    expect((await readAll(ns, ns.topics.watchlist, 3)).filter((m) => m.key === 'WL-T-1').at(-1)!.value).toBe('');
  });

  it('refuses invalid entries field by field, and entries owned outside the admin’s jurisdiction', async () => {
    const bad = await call('PUT', '/api/v1/watchlist/entries/WL-T-2', entry('WL-T-2', { severity: 'apocalyptic', action: 'shoot' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/action', '/severity']);
    const badId = await call('PUT', '/api/v1/watchlist/entries/WL-T-2', entry('WL-T-2', { key: '140882199007051232' }));
    expect(badId.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/key' }] });
    const foreign = await call('PUT', '/api/v1/watchlist/entries/WL-T-3', entry('WL-T-3', { ownerJurisdiction: '530600' }));
    expect(foreign.json().code).toBe('out_of_scope');
    for (const token of [tokenFor('commander', '140000'), tokenFor('investigator', '140000'), tokenFor('auditor', '140000')]) {
      expect((await call('PUT', '/api/v1/watchlist/entries/WL-T-4', entry('WL-T-4'), token)).statusCode).toBe(403);
    }
    expect((await call('GET', '/api/v1/watchlist/entries', undefined, tokenFor('auditor', '140000'))).statusCode).toBe(200);
  });

  it('imports an NDJSON file line by line, reporting each bad line, with progress', async () => {
    const lines = [
      JSON.stringify(entry('WL-I-1')),
      '{broken',
      JSON.stringify(entry('WL-I-2', { kind: 'vehicle', key: '晋C12345', category: 'case_vehicle', severity: 'high', action: 'covert_check' })),
      JSON.stringify(entry('WL-I-3', { key: 'not-an-id' })),
      '',
      JSON.stringify(entry('WL-I-4', { ownerJurisdiction: '530600' })),
      ...Array.from({ length: 6 }, (_, i) => JSON.stringify(entry(`WL-I-${10 + i}`, { reason: `批量 ${i}` }))),
    ];
    const res = await call('POST', '/api/v1/watchlist/import?format=ndjson', lines.join('\n') + '\n', admin, { 'content-type': 'application/x-ndjson' });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    const job = await eventually('the import to finish', async () => {
      const j = (await call('GET', `/api/v1/watchlist/import/${jobId}`)).json();
      return j.state === 'running' ? undefined : j;
    });
    expect(job).toMatchObject({ state: 'done', total: 11, accepted: 8, rejected: 3 });
    expect(job.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual([[2, ''], [4, '/key'], [6, '/ownerJurisdiction']]);
    const list = (await call('GET', '/api/v1/watchlist/entries?q=WL-I-&limit=100')).json();
    expect(list.total).toBe(8);
    expect((await call('GET', '/api/v1/watchlist/entries?kind=vehicle&q=WL-I')).json().items.map((e: { entryId: string }) => e.entryId)).toEqual(['WL-I-2']);
    expect(list.items[0].provenance).toMatchObject({ source: 'import', by: 'admin-140000' });
  });

  it('imports a CSV file with quoted fields and nested columns', async () => {
    const csv = [
      'entryId,kind,key,category,severity,action,ownerJurisdiction,reason,attributes.chemical,attributes.maxQuantityKg',
      `WL-C-1,permit,PX-2026-01,precursor_permit,high,question,140800,"麻黄草, 运输证",ephedra,200`,
      `WL-C-2,person,${IDS.taiyuan},registered_drug_user,medium,test,140100,"says ""hi""",,`,
      `WL-C-3,person,${IDS.taiyuan},nonsense,medium,test,140100,x,,`,
    ].join('\r\n');
    const res = await call('POST', '/api/v1/watchlist/import?format=csv', csv, admin, { 'content-type': 'text/csv' });
    const { jobId } = res.json();
    const job = await eventually('the CSV import', async () => {
      const j = (await call('GET', `/api/v1/watchlist/import/${jobId}`)).json();
      return j.state === 'running' ? undefined : j;
    });
    expect(job).toMatchObject({ state: 'done', total: 3, accepted: 2, rejected: 1, errors: [{ line: 4, path: '/category' }] });
    expect((await call('GET', '/api/v1/watchlist/entries/WL-C-1')).json().entry).toMatchObject({ key: 'PX-2026-01', reason: '麻黄草, 运输证', attributes: { chemical: 'ephedra', maxQuantityKg: 200 } });
    expect((await call('GET', '/api/v1/watchlist/entries/WL-C-2')).json().entry.reason).toBe('says "hi"');
    expect((await call('POST', '/api/v1/watchlist/import?format=csv', csv, admin, { 'content-type': 'text/plain' })).statusCode).toBe(415);
  });

  it('lists the effective rules, saves a changed rule with a new version, and backtests a draft over past events', async () => {
    const rules = (await call('GET', '/api/v1/rules')).json().items as Array<{ ruleId: string; version: number; enabled: boolean; kind: string }>;
    const person = rules.find((r) => r.ruleId === 'watchlist-person')!;
    expect(person).toMatchObject({ kind: 'watchlist_person' });
    const saved = await call('PUT', '/api/v1/rules/watchlist-person', { ...person, enabled: false, version: 999 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().rule).toMatchObject({ version: person.version + 1, enabled: false, updatedBy: 'admin-140000' });
    expect((await call('GET', '/api/v1/rules')).json().items.find((r: { ruleId: string }) => r.ruleId === 'watchlist-person')).toMatchObject({ enabled: false });
    expect((await readAll(ns, ns.topics.rules, 1)).map((m) => m.key)).toContain('watchlist-person');
    expect((await call('PUT', '/api/v1/rules/watchlist-person', { ...person, kind: 'co_traveller' })).statusCode).toBe(400);

    // Past events: two inspections of the fugitive (entry WL-I-1 above), one of somebody else.
    const producer = ns.kafka.producer();
    await producer.connect();
    const events = [inspection({ occurredAt: '2026-11-20T10:00:00+08:00', passengers: [] }), inspection({ occurredAt: '2026-11-20T18:00:00+08:00', passengers: [] }), inspection({ occurredAt: '2026-11-20T12:00:00+08:00', driver: { idNumber: IDS.chengdu }, passengers: [] })];
    await producer.send({ topic: ns.topics.events, acks: -1, messages: events.map((e) => ({ key: String(e.checkpointId), value: JSON.stringify(e) })) });
    await producer.disconnect();
    await eventually('events indexed', async () => {
      const n = await ns.es.count({ index: `${ns.indexPrefix}events` }).catch(() => ({ count: 0 }));
      return n.count >= 3 ? true : undefined;
    }, 20_000, 200);
    const bt = await call('POST', '/api/v1/rules/watchlist-person/backtest', { from: '2026-11-20T00:00:00+08:00', to: '2026-11-21T00:00:00+08:00' });
    expect(bt.statusCode).toBe(200);
    expect(bt.json()).toMatchObject({ ruleId: 'watchlist-person', eventsScanned: 3 });
    expect(bt.json().hitCount).toBeGreaterThanOrEqual(2);
    expect(bt.json().hits.every((h: { subject: { key: string } }) => h.subject.key === IDS.hejin)).toBe(true);
    const narrow = await call('POST', '/api/v1/rules/watchlist-person/backtest', { from: '2026-11-20T11:00:00+08:00', to: '2026-11-20T13:00:00+08:00', rule: { ...person, severity: 'low' } });
    expect(narrow.json()).toMatchObject({ eventsScanned: 1, hitCount: 0, hits: [] });
    expect((await call('POST', '/api/v1/rules/watchlist-person/backtest', { from: '2026-11-21T00:00:00+08:00', to: '2026-11-20T00:00:00+08:00' })).statusCode).toBe(400);
  });
});
