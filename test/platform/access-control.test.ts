import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../lib/auth/tokens';
import { createAccountStore, type Account } from '../../lib/auth/accounts';
import { hashPassword } from '../../lib/auth/passwords';
import { buildConsole, type ConsoleService } from '../../services/console/src/app';
import { loadConsoleConfig } from '../../services/console/src/config';
import { buildGateway, type Gateway } from '../../services/gateway/src/app';
import { loadGatewayConfig } from '../../services/gateway/src/config';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';

const SECRET = 'access-control-secret-'.padEnd(40, 'x');
type Res = { statusCode: number; json(): any };

/**
 * Two console instances and a gateway, each with its own token service and account store (as separate
 * processes have), sharing only Kafka: what one console changes must reach the others through access.v1.
 */
describe('accounts and token revocation across every service and instance', () => {
  let ns: Namespace;
  let indexer: Indexer;
  let a: ConsoleService;
  let b: ConsoleService;
  let gw: Gateway;
  let bWs = '';
  let seed: Account;
  const adminTokens = createTokenService({ secret: SECRET });

  const call = (svc: { app: ConsoleService['app'] }, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: object): Promise<Res> =>
    svc.app.inject({ method, url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), ...(payload ? { payload } : {}) }) as Promise<Res>;
  const login = (svc: { app: ConsoleService['app'] }, username: string, password: string) => call(svc, 'POST', '/api/v1/auth/token', undefined, { username, password });
  const submit = (token: string) => call(gw, 'POST', '/api/v1/events', token, inspection({ checkpointId: 'CP-140882-G5-01' }));

  beforeAll(async () => {
    ns = await createNamespace('access');
    indexer = buildIndexer(loadIndexerConfig({ ...ns.env, INDEXER_LINGER_MS: '0' }), { logger: ns.logger, kafka: ns.kafka, es: ns.es });
    await indexer.start();
    seed = { username: 'root.admin', passwordHash: await hashPassword('root admin password'), role: 'admin', jurisdiction: '140000', disabled: false };
    const consoleAt = async (id: string) => {
      const svc = buildConsole(loadConsoleConfig({ ...ns.env, AUTH_SECRET: SECRET, DOCS_ENABLED: 'false', DASHBOARD_DIR: '/nonexistent', INSTANCE_ID: id, HEARTBEAT_MS: '200' }), {
        logger: ns.logger,
        kafka: ns.kafka,
        es: ns.es,
        tokens: createTokenService({ secret: SECRET }),
        accounts: createAccountStore([{ ...seed }]),
      });
      await svc.start();
      return svc;
    };
    [a, b] = await Promise.all([consoleAt('console-a'), consoleAt('console-b')]);
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = b.app.server.address();
    bWs = `ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    gw = buildGateway(loadGatewayConfig({ ...ns.env, AUTH_SECRET: SECRET, DOCS_ENABLED: 'false' }), { logger: ns.logger, kafka: ns.kafka, tokens: createTokenService({ secret: SECRET }), accounts: createAccountStore([{ ...seed }]) });
    await gw.start();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), gw?.stop()]);
    await indexer?.stop();
    await ns?.cleanup();
  });

  it('creates accounts on one console that log in on the other console and the gateway; revocation and disable reach both, live feed included', async () => {
    const admin = (await login(a, 'root.admin', 'root admin password')).json().token as string;
    const officer = await call(a, 'POST', '/api/v1/accounts', admin, { username: 'off.hejin', role: 'officer', jurisdiction: '140882', checkpointId: 'CP-140882-G5-01' });
    expect(officer.statusCode).toBe(201);
    const officerPassword = officer.json().password as string;
    expect(officer.json().account).toEqual({ username: 'off.hejin', role: 'officer', jurisdiction: '140882', checkpointId: 'CP-140882-G5-01', disabled: false });
    expect((await call(a, 'POST', '/api/v1/accounts', admin, { username: 'cmd.sx', role: 'commander', jurisdiction: '140000', password: 'commander password 1' })).statusCode).toBe(201);
    expect((await call(a, 'POST', '/api/v1/accounts', admin, { username: 'cmd.sx', role: 'commander', jurisdiction: '140000' })).json().code).toBe('account_exists');
    expect((await call(a, 'POST', '/api/v1/accounts', admin, { username: 'off.bad', role: 'officer', jurisdiction: '140882' })).json().code).toBe('validation_failed');

    // The officer logs in at the gateway and submits; the commander logs in at console B and opens the live feed.
    const officerToken = await eventually('officer login at the gateway', async () => {
      const r = await login(gw, 'off.hejin', officerPassword);
      return r.statusCode === 200 ? (r.json().token as string) : undefined;
    });
    expect((await submit(officerToken)).statusCode).toBe(202);
    const cmdToken = await eventually('commander login at console B', async () => {
      const r = await login(b, 'cmd.sx', 'commander password 1');
      return r.statusCode === 200 ? (r.json().token as string) : undefined;
    });
    const ws = new WebSocket(`${bWs}/api/v1/live?token=${encodeURIComponent(cmdToken)}`);
    const frames: Array<{ type: string; code?: string }> = [];
    ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString('utf8')) as { type: string; code?: string }));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    ws.send(JSON.stringify({ op: 'subscribe', filter: {} }));
    await eventually('subscribed', () => (frames.some((f) => f.type === 'subscribed') ? true : undefined));

    // Revoked on console A: refused by console B (HTTP and the open live feed).
    expect((await call(a, 'POST', '/api/v1/accounts/cmd.sx/revoke-tokens', admin)).statusCode).toBe(200);
    expect(await closed).toBe(4001);
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'token_invalid' });
    expect((await call(b, 'GET', '/api/v1/me', cmdToken)).statusCode).toBe(401);
    // A new login after the revocation works everywhere.
    const fresh = (await login(b, 'cmd.sx', 'commander password 1')).json().token as string;
    expect((await call(a, 'GET', '/api/v1/me', fresh)).statusCode).toBe(200);
    // Logging out on B ends that token on A too.
    expect((await call(b, 'POST', '/api/v1/auth/logout', fresh)).statusCode).toBe(200);
    await eventually('logout seen by console A', async () => ((await call(a, 'GET', '/api/v1/me', fresh)).statusCode === 401 ? true : undefined));

    // Disabled on console A: the gateway refuses the officer's token and the password.
    const disabled = await call(a, 'PATCH', '/api/v1/accounts/off.hejin', admin, { disabled: true });
    expect(disabled.json()).toMatchObject({ changed: ['disabled'], account: { disabled: true } });
    await eventually('officer token refused by the gateway', async () => ((await submit(officerToken)).statusCode === 401 ? true : undefined));
    expect((await login(gw, 'off.hejin', officerPassword)).json().code).toBe('invalid_credentials');
    expect((await call(b, 'GET', '/api/v1/accounts', admin)).json().items).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'off.hejin', disabled: true })]));
  });

  it('resets a password: the old one stops working and the new one works on every instance', async () => {
    const admin = (await login(a, 'root.admin', 'root admin password')).json().token as string;
    const created = await call(a, 'POST', '/api/v1/accounts', admin, { username: 'inv.sx', role: 'investigator', jurisdiction: '140800', password: 'investigator password 1' });
    expect(created.statusCode).toBe(201);
    const old = await eventually('login on B', async () => ((await login(b, 'inv.sx', 'investigator password 1')).statusCode === 200 ? true : undefined));
    expect(old).toBe(true);
    const reset = await call(a, 'POST', '/api/v1/accounts/inv.sx/password', admin, {});
    const password = reset.json().password as string;
    expect(password).toMatch(/^\w{4}-\w{4}-\w{4}-\w{4}$/);
    await eventually('new password on B', async () => ((await login(b, 'inv.sx', password)).statusCode === 200 ? true : undefined));
    expect((await login(b, 'inv.sx', 'investigator password 1')).statusCode).toBe(401);
    // Role and jurisdiction change; the admin cannot demote itself.
    expect((await call(a, 'PATCH', '/api/v1/accounts/inv.sx', admin, { role: 'auditor', jurisdiction: '140882' })).json().changed).toEqual(['role', 'jurisdiction']);
    expect((await call(a, 'PATCH', '/api/v1/accounts/root.admin', admin, { role: 'auditor' })).json().code).toBe('validation_failed');
  });

  it('keeps admins to their own jurisdiction', async () => {
    const yunnan = adminTokens.issue({ sub: 'yn.admin', role: 'admin', jur: '530000' }).token;
    expect((await call(a, 'PATCH', '/api/v1/accounts/cmd.sx', yunnan, { disabled: true })).json().code).toBe('out_of_scope');
    expect((await call(a, 'POST', '/api/v1/accounts', yunnan, { username: 'x.sx', role: 'commander', jurisdiction: '140000' })).json().code).toBe('out_of_scope');
    expect((await call(a, 'POST', '/api/v1/accounts/cmd.sx/revoke-tokens', yunnan)).json().code).toBe('out_of_scope');
    expect((await call(a, 'GET', '/api/v1/accounts', yunnan)).json().items).toEqual([]);
  });

  it('audits every account change through Kafka into Elasticsearch, without passwords or hashes', async () => {
    await Promise.all([a.audit.flush(), b.audit.flush()]);
    const records = await eventually('account changes indexed', async () => {
      const res = await ns.es.search<{ record: { action: string; target?: string; details: Record<string, unknown> } }>({ index: `${ns.indexPrefix}audit`, size: 200, query: { term: { action: 'account_change' } } }).catch(() => undefined);
      const recs = res?.hits.hits.map((h) => h._source!.record) ?? [];
      return recs.some((r) => r.details.change === 'password_reset') && recs.some((r) => r.details.change === 'logout') ? recs : undefined;
    }, 30_000, 300);
    const changes = records.map((r) => `${r.target}:${String(r.details.change)}`);
    expect(changes).toEqual(expect.arrayContaining(['account:off.hejin:create', 'account:cmd.sx:create', 'account:cmd.sx:revoke_tokens', 'account:off.hejin:update', 'account:inv.sx:password_reset', 'account:cmd.sx:logout']));
    expect(records.find((r) => r.target === 'account:off.hejin' && r.details.change === 'update')?.details.fields).toEqual({ disabled: { from: false, to: true } });
    expect(JSON.stringify(records)).not.toMatch(/scrypt\$|password 1/);
  });
});
