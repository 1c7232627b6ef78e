import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../lib/auth/passwords';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { createHitProducer, newHit, startConsole, tokenFor, type RunningConsole } from './console-harness';

const run = promisify(execFile);

describe('audit trail: recorded, searchable, tamper-evident', () => {
  let ns: Namespace;
  let con: RunningConsole;
  let indexer: Indexer;
  let hits: Awaited<ReturnType<typeof createHitProducer>>;
  const auditor = tokenFor('auditor', '140000');
  const commander = tokenFor('commander', '140000');
  const get = (url: string, token = auditor) => con.svc.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const indexed = async () => (await ns.es.count({ index: `${ns.indexPrefix}audit` }).catch(() => ({ count: 0 }))).count;

  beforeAll(async () => {
    ns = await createNamespace('audit');
    indexer = buildIndexer(loadIndexerConfig({ ...ns.env, INDEXER_LINGER_MS: '0' }), { logger: ns.logger, kafka: ns.kafka, es: ns.es });
    await indexer.start();
    hits = await createHitProducer(ns);
    const account = { username: 'duty.officer', passwordHash: await hashPassword('correct horse battery'), role: 'commander' as const, jurisdiction: '140000', disabled: false };
    con = await startConsole(ns, { INSTANCE_ID: 'console-audit' }, [account]);
  });
  afterAll(async () => {
    await con?.svc.stop();
    await indexer?.stop();
    await hits?.close();
    await ns?.cleanup();
  });

  it('records logins, record views and workflow actions, readable by auditors only', async () => {
    const login = (password: string) => con.svc.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'duty.officer', password } });
    expect((await login('wrong')).statusCode).toBe(401);
    expect((await login('correct horse battery')).statusCode).toBe(200);
    const hit = newHit();
    await hits.produce([hit]);
    await eventually('the hit in the console', () => con.svc.store.get(hit.hitId));
    expect((await get(`/api/v1/hits/${hit.hitId}`, commander)).statusCode).toBe(200);
    const ack = await con.svc.app.inject({ method: 'POST', url: `/api/v1/hits/${hit.hitId}/actions`, headers: { authorization: `Bearer ${commander}` }, payload: { action: 'acknowledge', expectedVersion: 1 } });
    expect(ack.statusCode).toBe(200);
    await eventually('four records indexed', async () => ((await indexed()) >= 4 ? true : undefined), 20_000, 200);
    const res = await get('/api/v1/audit?limit=50');
    expect(res.statusCode).toBe(200);
    const actions = res.json().items.map((r: { action: string; actor: string; target?: string }) => `${r.action}:${r.actor}:${r.target ?? ''}`);
    expect(actions).toEqual(expect.arrayContaining(['login_failed:duty.officer:', 'login:duty.officer:', `view:commander-140000:hit:${hit.hitId}`, `hit_action:commander-140000:hit:${hit.hitId}`]));
    const onlyActions = await get('/api/v1/audit?action=hit_action');
    expect(onlyActions.json().items.every((r: { action: string }) => r.action === 'hit_action')).toBe(true);
    expect((await get('/api/v1/audit', commander)).statusCode).toBe(403);
    expect((await get('/api/v1/audit/verify', tokenFor('admin', '140000'))).statusCode).toBe(403);
  });

  it('verifies the chain, and reports exactly which record was altered in Elasticsearch', async () => {
    for (let i = 0; i < 5; i++) await get(`/api/v1/hits?limit=${i + 1}`, commander);
    await con.svc.audit.flush();
    const expected = await eventually('every record so far indexed', async () => {
      await ns.es.indices.refresh({ index: `${ns.indexPrefix}audit` });
      const n = await indexed();
      return n >= 6 && n === (await indexed()) ? n : undefined;
    }, 20_000, 300);
    const intact = (await get('/api/v1/audit/verify')).json();
    expect(intact).toMatchObject({ ok: true, chains: 1 });
    expect(intact.checked).toBeGreaterThanOrEqual(expected);

    // Tamper with one stored record: change who did it.
    const found = await ns.es.search<{ record: { seq: number; recordId: string; actor: string } }>({ index: `${ns.indexPrefix}audit`, query: { term: { seq: 3 } } });
    const doc = found.hits.hits[0]!;
    const record = { ...doc._source!.record, actor: 'someone-else' };
    await ns.es.index({ index: doc._index, id: doc._id!, document: { ...doc._source, actor: 'someone-else', record }, refresh: true });
    const broken = (await get('/api/v1/audit/verify')).json();
    expect(broken).toMatchObject({ ok: false, firstBreak: { seq: 3, recordId: record.recordId, reason: 'hash_mismatch', chainId: con.svc.audit.chainId } });

    // The command-line verifier says the same and fails.
    const cli = await run('npx', ['tsx', 'services/console/src/audit-verify-cli.ts'], { env: { ...process.env, ES_URL: ns.esUrl, ES_INDEX_PREFIX: ns.indexPrefix } }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, firstBreak: { seq: 3, reason: 'hash_mismatch' } });
    expect(cli.stderr).toContain(`breaks at seq 3 (${record.recordId})`);

    // Deleting a record instead is reported as the gap it leaves.
    await ns.es.index({ index: doc._index, id: doc._id!, document: doc._source!, refresh: true });
    const five = await ns.es.search({ index: `${ns.indexPrefix}audit`, query: { term: { seq: 5 } } });
    await ns.es.delete({ index: five.hits.hits[0]!._index, id: five.hits.hits[0]!._id!, refresh: true });
    expect((await get('/api/v1/audit/verify')).json()).toMatchObject({ ok: false, firstBreak: { seq: 5, reason: 'gap' } });
  });
});
