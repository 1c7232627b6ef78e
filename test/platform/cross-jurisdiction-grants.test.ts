import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../lib/auth/passwords';
import type { Account } from '../../lib/auth/accounts';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';
import { startConsole, tokens, type RunningConsole } from '../console/console-harness';

type Res = { statusCode: number; headers: Record<string, unknown>; json(): any };
const HOUR = 3_600_000;
const cst = (ms: number) => new Date(ms + 8 * HOUR).toISOString().replace('Z', '+08:00');

describe('cross-jurisdiction search needs a grant and is flagged in the audit trail', () => {
  let ns: Namespace;
  let indexer: Indexer;
  let con: RunningConsole;
  const hejin = inspection({ occurredAt: cst(Date.now() - 2 * HOUR), checkpointId: 'CP-140882-G5-01', vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' } });
  const ludian = inspection({ occurredAt: cst(Date.now() - HOUR), checkpointId: 'CP-530621-G85-02', vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' } });
  // Investigators of Yunnan (the grantee and a colleague); commanders of Shanxi and of Yunnan.
  const inv = tokens.issue({ sub: 'yn.inv', role: 'investigator', jur: '530000' }).token;
  const colleague = tokens.issue({ sub: 'yn.inv2', role: 'investigator', jur: '530000' }).token;
  const sxCommander = tokens.issue({ sub: 'sx.cmd', role: 'commander', jur: '140000' }).token;
  const ynCommander = tokens.issue({ sub: 'yn.cmd', role: 'commander', jur: '530000' }).token;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object): Promise<Res> =>
    con.svc.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) }) as Promise<Res>;
  const search = (token: string, body: object) => call('POST', '/api/v1/search', token, body);
  let grantId = '';

  beforeAll(async () => {
    ns = await createNamespace('grants');
    indexer = buildIndexer(loadIndexerConfig({ ...ns.env, INDEXER_LINGER_MS: '0' }), { logger: ns.logger, kafka: ns.kafka, es: ns.es });
    await indexer.start();
    const hash = await hashPassword('not used in this test');
    const accounts: Account[] = [
      { username: 'yn.inv', passwordHash: hash, role: 'investigator', jurisdiction: '530000', disabled: false },
      { username: 'yn.inv2', passwordHash: hash, role: 'investigator', jurisdiction: '530000', disabled: false },
      { username: 'yn.cmd', passwordHash: hash, role: 'commander', jurisdiction: '530000', disabled: false },
    ];
    con = await startConsole(ns, { INSTANCE_ID: 'console-grants' }, accounts);
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: ns.topics.events, acks: -1, messages: [hejin, ludian].map((e) => ({ key: String(e.checkpointId), value: JSON.stringify(e) })) });
    await producer.disconnect();
    const own = tokens.issue({ sub: 'national', role: 'investigator', jur: '000000' }).token;
    await eventually('both events searchable', async () => ((await search(own, { plate: '晋C7K245', purpose: 'setup check' })).json().total === 2 ? true : undefined), 30_000, 300);
  });
  afterAll(async () => {
    await con?.svc.stop();
    await indexer?.stop();
    await ns?.cleanup();
  });

  it('refuses a search outside the investigator’s jurisdiction without a grant, with problem+json grant_required', async () => {
    const res = await search(inv, { jurisdiction: '140882', plate: '晋C7K245', purpose: 'case A-2026-17' });
    expect(res.statusCode).toBe(403);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'grant_required', errors: [{ path: '/jurisdiction' }] });
    // Within their own scope the same search sees Ludian only.
    const own = await search(inv, { plate: '晋C7K245', purpose: 'case A-2026-17' });
    expect(own.json().items.map((i: { checkpointId: string }) => i.checkpointId)).toEqual(['CP-530621-G85-02']);
  });

  it('lets only an admin or commander of the target jurisdiction grant, to an investigator, for a bounded time', async () => {
    const body = { grantee: 'yn.inv', jurisdiction: '140882', caseNumber: 'A-2026-17', reason: 'vehicle seized at Ludian came through Hejin', validUntil: new Date(Date.now() + 2 * 86_400_000).toISOString() };
    expect((await call('POST', '/api/v1/grants', ynCommander, body)).json().code).toBe('out_of_scope');
    expect((await call('POST', '/api/v1/grants', inv, body)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/grants', sxCommander, { ...body, grantee: 'yn.cmd' })).json().code).toBe('validation_failed');
    expect((await call('POST', '/api/v1/grants', sxCommander, { ...body, validUntil: new Date(Date.now() + 40 * 86_400_000).toISOString() })).json().code).toBe('validation_failed');
    const created = await call('POST', '/api/v1/grants', sxCommander, body);
    expect(created.statusCode).toBe(201);
    grantId = created.json().grant.grantId as string;
    expect(created.json().grant).toMatchObject({ grantee: 'yn.inv', jurisdiction: '140882', caseNumber: 'A-2026-17', state: 'active', granted: { by: 'sx.cmd' } });
    expect((await call('GET', '/api/v1/grants', inv)).json().items.map((g: { grantId: string }) => g.grantId)).toEqual([grantId]);
    expect((await call('GET', '/api/v1/grants', colleague)).json().items).toEqual([]);
  });

  it('searches the granted jurisdiction under the grant, for the grantee only, and nothing beyond it', async () => {
    const under = await search(inv, { jurisdiction: '140882', plate: '晋C7K245', grantId });
    expect(under.statusCode).toBe(200);
    expect(under.json().items.map((i: { checkpointId: string }) => i.checkpointId)).toEqual(['CP-140882-G5-01']);
    const both = await search(inv, { plate: '晋C7K245', grantId, purpose: 'case A-2026-17' });
    expect(both.json().items.map((i: { checkpointId: string }) => i.checkpointId).sort()).toEqual(['CP-140882-G5-01', 'CP-530621-G85-02']);
    const timeline = await call('GET', `/api/v1/entities/vehicles/${encodeURIComponent('晋C7K245')}/timeline?grantId=${grantId}`, inv);
    expect(timeline.json().sightings).toHaveLength(2);
    expect((await search(inv, { jurisdiction: '140000', plate: '晋C7K245', grantId })).json().code).toBe('grant_invalid');
    expect((await search(colleague, { jurisdiction: '140882', plate: '晋C7K245', grantId, purpose: 'case A-2026-17' })).json().code).toBe('grant_invalid');
    expect((await search(inv, { jurisdiction: '140882', grantId: 'G-nosuchgrant' })).json().code).toBe('grant_invalid');
  });

  it('records searches under a grant as crossJurisdiction with the grant id and case, and others not', async () => {
    await con.svc.audit.flush();
    const records = await eventually('searches indexed', async () => {
      const res = await ns.es.search<{ record: { actor: string; action: string; crossJurisdiction: boolean; purpose?: string; details: Record<string, unknown> } }>({ index: `${ns.indexPrefix}audit`, size: 100, query: { term: { actor: 'yn.inv' } } }).catch(() => undefined);
      const recs = res?.hits.hits.map((h) => h._source!.record) ?? [];
      return recs.filter((r) => r.crossJurisdiction).length >= 3 ? recs : undefined;
    }, 30_000, 300);
    const flagged = records.filter((r) => r.crossJurisdiction);
    expect(flagged.every((r) => r.details.grantId === grantId && r.details.caseNumber === 'A-2026-17')).toBe(true);
    expect(flagged.find((r) => (r.details.terms as { jurisdiction?: string }).jurisdiction === '140882')?.purpose).toBe('case A-2026-17');
    expect(records.filter((r) => r.action === 'search' && !r.crossJurisdiction)).toHaveLength(1);
    const granted = await ns.es.search<{ record: { target?: string; details: Record<string, unknown> } }>({ index: `${ns.indexPrefix}audit`, query: { term: { actor: 'sx.cmd' } } });
    expect(granted.hits.hits.map((h) => h._source!.record)).toEqual(expect.arrayContaining([expect.objectContaining({ target: `grant:${grantId}`, details: expect.objectContaining({ change: 'grant', grantee: 'yn.inv' }) })]));
  });

  it('stops a revoked grant at once', async () => {
    expect((await call('DELETE', `/api/v1/grants/${grantId}`, ynCommander)).json().code).toBe('out_of_scope');
    expect((await call('DELETE', `/api/v1/grants/${grantId}`, sxCommander)).json().grant.state).toBe('revoked');
    const res = await search(inv, { jurisdiction: '140882', plate: '晋C7K245', grantId });
    expect(res.json()).toMatchObject({ code: 'grant_invalid', errors: [{ message: 'revoked' }] });
  });
});
