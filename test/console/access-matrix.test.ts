import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../lib/auth/tokens';
import { ROUTE_POLICY } from '../../services/console/src/access-policy';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { hashPassword } from '../../lib/auth/passwords';
import { createHitProducer, newHit, startConsole, tokenFor, tokens, upgradeStatus, type RunningConsole } from './console-harness';

/** One account per role inside Shanxi (officer at Hejin), and one per role in Yunnan (out of scope). */
const inside: Record<Role, string> = {
  officer: tokenFor('officer', '140882', 'CP-140882-G5-01'),
  commander: tokenFor('commander', '140000'),
  investigator: tokenFor('investigator', '140000'),
  admin: tokenFor('admin', '140000'),
  auditor: tokenFor('auditor', '140000'),
};
const outside: Record<Role, string> = {
  officer: tokenFor('officer', '530621', 'CP-530621-G85-02'),
  commander: tokenFor('commander', '530000'),
  investigator: tokenFor('investigator', '530000'),
  admin: tokenFor('admin', '530000'),
  auditor: tokenFor('auditor', '530000'),
};

describe('authorization matrix: every console route and the live feed, for every role, in and out of scope', () => {
  let ns: Namespace;
  let con: RunningConsole;
  const hit = newHit({ severity: 'high', checkpointId: 'CP-140882-G5-01', jurisdictions: ['140882', '140800', '140000'] });
  let grantId = '';

  beforeAll(async () => {
    ns = await createNamespace('matrix');
    const hits = await createHitProducer(ns);
    await hits.produce([hit]);
    await hits.close();
    const hash = await hashPassword('matrix password');
    con = await startConsole(ns, { INSTANCE_ID: 'console-matrix' }, [
      { username: 'matrix.user', passwordHash: hash, role: 'investigator', jurisdiction: '140882', disabled: false },
      { username: 'yn.matrix', passwordHash: hash, role: 'investigator', jurisdiction: '530000', disabled: false },
    ]);
    await eventually('the hit', () => con.svc.store.get(hit.hitId));
    const grant = await con.svc.app.inject({ method: 'POST', url: '/api/v1/grants', headers: { authorization: `Bearer ${inside.admin}` }, payload: { grantee: 'yn.matrix', jurisdiction: '140882', caseNumber: 'M-2026-1', validUntil: new Date(Date.now() + 86_400_000).toISOString() } });
    expect(grant.statusCode).toBe(201);
    grantId = grant.json().grant.grantId as string;
    const put = await con.svc.app.inject({ method: 'PUT', url: '/api/v1/watchlist/entries/WL-M-1', headers: { authorization: `Bearer ${inside.admin}` }, payload: { entryId: 'WL-M-1', kind: 'vehicle', key: '晋C12345', category: 'case_vehicle', severity: 'high', action: 'covert_check', ownerJurisdiction: '140882', reason: 'case 9' } });
    expect(put.statusCode).toBe(200);
  });
  afterAll(async () => {
    await con?.svc.stop();
    await ns?.cleanup();
  });

  // Requests that succeed for an allowed role in scope (or fail only on their content, never on access).
  // `outCode`: what an allowed role outside the scope gets when it is not `out_of_scope` (a search needs a grant).
  const requests: Array<{ route: keyof typeof ROUTE_POLICY; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string | (() => string); body?: unknown; scoped?: boolean; outCode?: string }> = [
    { route: 'GET /api/v1/me', method: 'GET', url: '/api/v1/me' },
    { route: 'GET /api/v1/checkpoints', method: 'GET', url: '/api/v1/checkpoints' },
    { route: 'GET /api/v1/hits', method: 'GET', url: '/api/v1/hits' },
    { route: 'GET /api/v1/hits/:hitId', method: 'GET', url: `/api/v1/hits/${hit.hitId}`, scoped: true },
    { route: 'POST /api/v1/hits/:hitId/actions', method: 'POST', url: `/api/v1/hits/${hit.hitId}/actions`, body: { action: 'acknowledge', expectedVersion: 99 }, scoped: true },
    { route: 'GET /api/v1/watchlist/entries', method: 'GET', url: '/api/v1/watchlist/entries' },
    { route: 'GET /api/v1/watchlist/entries/:entryId', method: 'GET', url: '/api/v1/watchlist/entries/WL-M-1', scoped: true },
    { route: 'PUT /api/v1/watchlist/entries/:entryId', method: 'PUT', url: '/api/v1/watchlist/entries/WL-M-1', body: { kind: 'vehicle', key: '晋C12345', category: 'case_vehicle', severity: 'high', action: 'covert_check', ownerJurisdiction: '140882', reason: 'case 9' }, scoped: true },
    { route: 'GET /api/v1/watchlist/import/:jobId', method: 'GET', url: '/api/v1/watchlist/import/none' },
    { route: 'GET /api/v1/rules', method: 'GET', url: '/api/v1/rules' },
    { route: 'PUT /api/v1/rules/:ruleId', method: 'PUT', url: '/api/v1/rules/matrix-rule', body: { kind: 'co_traveller', enabled: false, severity: 'low', description: { zh: '测试', en: 'test' } } },
    { route: 'GET /api/v1/audit', method: 'GET', url: '/api/v1/audit' },
    { route: 'POST /api/v1/search', method: 'POST', url: '/api/v1/search', body: { jurisdiction: '140882' }, scoped: true, outCode: 'grant_required' },
    { route: 'GET /api/v1/accounts', method: 'GET', url: '/api/v1/accounts' },
    { route: 'POST /api/v1/accounts', method: 'POST', url: '/api/v1/accounts', body: { username: 'matrix.new', role: 'auditor', jurisdiction: '140882' }, scoped: true },
    { route: 'PATCH /api/v1/accounts/:username', method: 'PATCH', url: '/api/v1/accounts/matrix.user', body: { disabled: false }, scoped: true },
    { route: 'POST /api/v1/accounts/:username/password', method: 'POST', url: '/api/v1/accounts/matrix.user/password', body: {}, scoped: true },
    { route: 'POST /api/v1/accounts/:username/revoke-tokens', method: 'POST', url: '/api/v1/accounts/matrix.user/revoke-tokens', body: {}, scoped: true },
    { route: 'POST /api/v1/auth/revoke', method: 'POST', url: '/api/v1/auth/revoke', body: { username: 'matrix.user', jti: 'matrix-jti' }, scoped: true },
    { route: 'GET /api/v1/grants', method: 'GET', url: '/api/v1/grants' },
    { route: 'POST /api/v1/grants', method: 'POST', url: '/api/v1/grants', body: { grantee: 'yn.matrix', jurisdiction: '140882', caseNumber: 'M-2026-2', validUntil: new Date(Date.now() + 86_400_000).toISOString() }, scoped: true },
    { route: 'DELETE /api/v1/grants/:grantId', method: 'DELETE', url: () => `/api/v1/grants/${grantId}`, scoped: true },
  ];
  const urlOf = (r: (typeof requests)[number]) => (typeof r.url === 'string' ? r.url : r.url());

  it('answers 401 without a token on every route', async () => {
    for (const r of requests) {
      const res = await con.svc.app.inject({ method: r.method, url: urlOf(r), ...(r.body ? { payload: r.body as object } : {}) });
      expect([r.route, res.statusCode]).toEqual([r.route, 401]);
    }
  });

  it('lets exactly the roles in the policy table through, in scope; out of scope they get 403 out_of_scope', async () => {
    const cells: string[] = [];
    for (const r of requests) {
      for (const role of ROLES) {
        for (const [where, token] of [['in', inside[role]], ['out', outside[role]]] as const) {
          const res = await con.svc.app.inject({ method: r.method, url: urlOf(r), headers: { authorization: `Bearer ${token}` }, ...(r.body ? { payload: r.body as object } : {}) });
          const allowed = (ROUTE_POLICY[r.route] as readonly Role[]).includes(role);
          const code = res.statusCode >= 400 ? (res.json() as { code: string }).code : 'ok';
          if (!allowed) expect([r.route, role, where, res.statusCode]).toEqual([r.route, role, where, 403]);
          else if (where === 'out' && r.scoped) expect([r.route, role, where, code]).toEqual([r.route, role, where, r.outCode ?? 'out_of_scope']);
          else expect([r.route, role, where, code]).not.toContainEqual(expect.stringMatching(/^(forbidden|out_of_scope|unauthenticated|grant_required|grant_invalid)$/));
          cells.push(`${r.route} ${role} ${where}: ${code}`);
        }
      }
    }
    // The officer action cell: allowed role, acknowledge allowed, stale version → 409 (access passed).
    expect(cells).toContain(`POST /api/v1/hits/:hitId/actions officer in: version_conflict`);
  });

  it('lists every route of the policy table except the live feed and the search routes covered by the search suite', () => {
    const covered = new Set<string>(requests.map((r) => r.route));
    const elsewhere = ['GET /api/v1/live', 'POST /api/v1/auth/logout', 'DELETE /api/v1/watchlist/entries/:entryId', 'POST /api/v1/watchlist/import', 'GET /api/v1/audit/verify', 'POST /api/v1/rules/:ruleId/backtest'];
    const missing = Object.keys(ROUTE_POLICY).filter((r) => !covered.has(r) && !elsewhere.includes(r) && !/search\/export|events\/|entities\/|stats\//.test(r));
    expect(missing).toEqual([]);
  });

  it('lets every role log out, which revokes exactly that token', async () => {
    for (const role of ROLES) {
      const fresh = tokens.issue({ sub: `logout-${role}`, role, jur: role === 'officer' ? '140882' : '140000', ...(role === 'officer' ? { cp: 'CP-140882-G5-01' } : {}) }).token;
      const other = tokens.issue({ sub: `logout-${role}`, role, jur: role === 'officer' ? '140882' : '140000', ...(role === 'officer' ? { cp: 'CP-140882-G5-01' } : {}) }).token;
      const out = await con.svc.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${fresh}` } });
      expect([role, out.statusCode]).toEqual([role, 200]);
      const me = (t: string) => con.svc.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${t}` } });
      expect([role, (await me(fresh)).statusCode, (await me(other)).statusCode]).toEqual([role, 401, 200]);
    }
  });

  it('opens the live feed for exactly the roles in the policy table', async () => {
    for (const role of ROLES) {
      const expected = (ROUTE_POLICY['GET /api/v1/live'] as readonly Role[]).includes(role) ? 101 : 403;
      expect([role, await upgradeStatus(con.wsUrl, `?token=${inside[role]}`)]).toEqual([role, expected]);
    }
  });
});
