import { describe, expect, it } from 'vitest';
import { ROLES, type Principal } from '../../../lib/auth/tokens';
import { allowedActions, assertWithinScope, canSeeHit, ROUTE_POLICY } from './access-policy';
import { SEARCH_ROLES } from './search';
import { sampleHit } from './sample-hit';

const who = (role: Principal['role'], jur = '140000', cp?: string): Principal => ({ sub: role, role, jur, ...(cp ? { cp } : {}), jti: 'j', iat: 0, exp: 9_999_999_999 });

describe('console access policy', () => {
  it('lets only auditors read the audit trail and only admins change watchlists and rules', () => {
    expect(ROUTE_POLICY['GET /api/v1/audit']).toEqual(['auditor']);
    expect(ROUTE_POLICY['GET /api/v1/audit/verify']).toEqual(['auditor']);
    for (const r of ['PUT /api/v1/watchlist/entries/:entryId', 'DELETE /api/v1/watchlist/entries/:entryId', 'POST /api/v1/watchlist/import', 'PUT /api/v1/rules/:ruleId', 'POST /api/v1/rules/:ruleId/backtest'] as const) expect(ROUTE_POLICY[r]).toEqual(['admin']);
  });

  it('gives every role its own identity and the checkpoint list', () => {
    for (const role of ROLES) {
      expect(ROUTE_POLICY['GET /api/v1/me']).toContain(role);
      expect(ROUTE_POLICY['GET /api/v1/checkpoints']).toContain(role);
    }
  });

  it('lets commanders take every workflow action, officers only acknowledge, and nobody else act', () => {
    expect(allowedActions(who('commander'))).toEqual(['acknowledge', 'assign', 'resolve', 'reopen']);
    expect(allowedActions(who('officer', '140882', 'CP-140882-G5-01'))).toEqual(['acknowledge']);
    for (const role of ['investigator', 'admin', 'auditor'] as const) expect(allowedActions(who(role))).toEqual([]);
  });

  it('scopes hits by jurisdiction subtree and officers by checkpoint', () => {
    const hit = sampleHit();
    expect(canSeeHit(who('investigator', '140000'), hit)).toBe(true);
    expect(canSeeHit(who('investigator', '510000'), hit)).toBe(false);
    expect(canSeeHit(who('officer', '140882', 'CP-140882-G5-01'), hit)).toBe(true);
    expect(canSeeHit(who('officer', '140000', 'CP-140802-G5-02'), hit)).toBe(false);
  });

  it('refuses a narrower view outside the account’s own scope', () => {
    expect(() => assertWithinScope(who('commander', '140800'), '140000')).toThrow(expect.objectContaining({ code: 'out_of_scope' }));
    expect(() => assertWithinScope(who('commander', '140000'), '140882')).not.toThrow();
  });

  it('agrees with the search plugin’s own role table on every search route', () => {
    expect(ROUTE_POLICY['POST /api/v1/search']).toEqual(SEARCH_ROLES.search);
    expect(ROUTE_POLICY['GET /api/v1/search/export']).toEqual(SEARCH_ROLES.export);
    expect(ROUTE_POLICY['GET /api/v1/events/:eventId']).toEqual(SEARCH_ROLES.event);
    expect(ROUTE_POLICY['GET /api/v1/entities/vehicles/:plate/timeline']).toEqual(SEARCH_ROLES.vehicle);
    expect(ROUTE_POLICY['GET /api/v1/entities/vehicles/:plate/route']).toEqual(SEARCH_ROLES.vehicle);
    expect(ROUTE_POLICY['GET /api/v1/entities/persons/:idNumber/timeline']).toEqual(SEARCH_ROLES.person);
    expect(ROUTE_POLICY['GET /api/v1/entities/persons/:idNumber/associates']).toEqual(SEARCH_ROLES.person);
    expect(ROUTE_POLICY['GET /api/v1/stats/summary']).toEqual(SEARCH_ROLES.stats);
  });
});
