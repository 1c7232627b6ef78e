import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../lib/auth/tokens';
import { ROUTE_POLICY } from '../../services/console/src/access-policy';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { createHitProducer, newHit, startConsole, tokenFor, upgradeStatus, type RunningConsole } from './console-harness';

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

  beforeAll(async () => {
    ns = await createNamespace('matrix');
    const hits = await createHitProducer(ns);
    await hits.produce([hit]);
    await hits.close();
    con = await startConsole(ns, { INSTANCE_ID: 'console-matrix' });
    await eventually('the hit', () => con.svc.store.get(hit.hitId));
    const put = await con.svc.app.inject({ method: 'PUT', url: '/api/v1/watchlist/entries/WL-M-1', headers: { authorization: `Bearer ${inside.admin}` }, payload: { entryId: 'WL-M-1', kind: 'vehicle', key: '晋C12345', category: 'case_vehicle', severity: 'high', action: 'covert_check', ownerJurisdiction: '140882', reason: 'case 9' } });
    expect(put.statusCode).toBe(200);
  });
  afterAll(async () => {
    await con?.svc.stop();
    await ns?.cleanup();
  });

  // Requests that succeed for an allowed role in scope (or fail only on their content, never on access).
  const requests: Array<{ route: keyof typeof ROUTE_POLICY; method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; body?: unknown; scoped?: boolean }> = [
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
  ];

  it('answers 401 without a token on every route', async () => {
    for (const r of requests) {
      const res = await con.svc.app.inject({ method: r.method, url: r.url, ...(r.body ? { payload: r.body as object } : {}) });
      expect([r.route, res.statusCode]).toEqual([r.route, 401]);
    }
  });

  it('lets exactly the roles in the policy table through, in scope; out of scope they get 403 out_of_scope', async () => {
    const cells: string[] = [];
    for (const r of requests) {
      for (const role of ROLES) {
        for (const [where, token] of [['in', inside[role]], ['out', outside[role]]] as const) {
          const res = await con.svc.app.inject({ method: r.method, url: r.url, headers: { authorization: `Bearer ${token}` }, ...(r.body ? { payload: r.body as object } : {}) });
          const allowed = (ROUTE_POLICY[r.route] as readonly Role[]).includes(role);
          const code = res.statusCode >= 400 ? (res.json() as { code: string }).code : 'ok';
          if (!allowed) expect([r.route, role, where, res.statusCode]).toEqual([r.route, role, where, 403]);
          else if (where === 'out' && r.scoped) expect([r.route, role, where, code]).toEqual([r.route, role, where, 'out_of_scope']);
          else expect([r.route, role, where, code]).not.toContainEqual(expect.stringMatching(/^(forbidden|out_of_scope|unauthenticated)$/));
          cells.push(`${r.route} ${role} ${where}: ${code}`);
        }
      }
    }
    // The officer action cell: allowed role, acknowledge allowed, stale version → 409 (access passed).
    expect(cells).toContain(`POST /api/v1/hits/:hitId/actions officer in: version_conflict`);
  });

  it('opens the live feed for exactly the roles in the policy table', async () => {
    for (const role of ROLES) {
      const expected = (ROUTE_POLICY['GET /api/v1/live'] as readonly Role[]).includes(role) ? 101 : 403;
      expect([role, await upgradeStatus(con.wsUrl, `?token=${inside[role]}`)]).toEqual([role, expected]);
    }
  });
});
