import type { FastifyRequest } from 'fastify';
import { isWithinJurisdiction, type Hit } from '../../../schemas/src';
import { authorize } from '../../../lib/auth/authenticate';
import { AppError } from '../../../lib/errors';
import type { Principal, Role, TokenService } from '../../../lib/auth/tokens';

const ALL: readonly Role[] = ['officer', 'commander', 'investigator', 'admin', 'auditor'];

/**
 * Who may call what — the one table for the console (issue 7). Scope (which hits, which entries) is
 * checked by the functions below on top of the role. Officers are bound to one checkpoint; everyone
 * else to a jurisdiction subtree. Search routes are listed for the search plugin to use the same table.
 */
export const ROUTE_POLICY = {
  'GET /api/v1/me': ALL,
  'GET /api/v1/checkpoints': ALL,
  'GET /api/v1/live': ['officer', 'commander', 'admin'],
  'GET /api/v1/hits': ['officer', 'commander', 'investigator', 'admin', 'auditor'],
  'GET /api/v1/hits/:hitId': ['officer', 'commander', 'investigator', 'admin', 'auditor'],
  // Officers may only acknowledge (their own checkpoint's hits); see `allowedActions`.
  'POST /api/v1/hits/:hitId/actions': ['officer', 'commander'],
  'GET /api/v1/watchlist/entries': ['admin', 'auditor'],
  'GET /api/v1/watchlist/entries/:entryId': ['admin', 'auditor'],
  'PUT /api/v1/watchlist/entries/:entryId': ['admin'],
  'DELETE /api/v1/watchlist/entries/:entryId': ['admin'],
  'POST /api/v1/watchlist/import': ['admin'],
  'GET /api/v1/watchlist/import/:jobId': ['admin'],
  'GET /api/v1/rules': ['admin', 'auditor'],
  'PUT /api/v1/rules/:ruleId': ['admin'],
  'POST /api/v1/rules/:ruleId/backtest': ['admin'],
  'GET /api/v1/audit': ['auditor'],
  'GET /api/v1/audit/verify': ['auditor'],
  'POST /api/v1/search': ['investigator', 'commander', 'admin'],
  'GET /api/v1/search/export': ['investigator', 'admin'],
  'GET /api/v1/events/:eventId': ['investigator', 'commander', 'admin', 'auditor'],
  'GET /api/v1/entities/vehicles/:plate/timeline': ['investigator', 'commander', 'admin'],
  'GET /api/v1/entities/vehicles/:plate/route': ['investigator', 'commander', 'admin'],
  'GET /api/v1/entities/persons/:idNumber/timeline': ['investigator', 'admin'],
  'GET /api/v1/entities/persons/:idNumber/associates': ['investigator', 'admin'],
  'GET /api/v1/stats/summary': ['commander', 'investigator', 'admin', 'auditor'],
  // Accounts and tokens (routes-accounts.ts): admins within their jurisdiction; anyone may end their own token.
  'GET /api/v1/accounts': ['admin', 'auditor'],
  'POST /api/v1/accounts': ['admin'],
  'PATCH /api/v1/accounts/:username': ['admin'],
  'POST /api/v1/accounts/:username/password': ['admin'],
  'POST /api/v1/accounts/:username/revoke-tokens': ['admin'],
  'POST /api/v1/auth/revoke': ['admin'],
  'POST /api/v1/auth/logout': ALL,
  // Cross-jurisdiction grants (routes-grants.ts): given by an admin or commander of the target jurisdiction.
  'GET /api/v1/grants': ['investigator', 'commander', 'admin', 'auditor'],
  'POST /api/v1/grants': ['commander', 'admin'],
  'DELETE /api/v1/grants/:grantId': ['commander', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type PolicyRoute = keyof typeof ROUTE_POLICY;

/** Verifies the token and the role for a route of the table; returns the principal. */
export function allow(tokens: TokenService, req: FastifyRequest, route: PolicyRoute, opts: { allowQueryToken?: boolean } = {}): Principal {
  return authorize(tokens, req, ROUTE_POLICY[route], opts);
}

/** True when a code lies in the principal's subtree (a province sees its cities and counties). */
export function inScope(p: Principal, jurisdiction: string): boolean {
  return isWithinJurisdiction(jurisdiction, p.jur);
}

/**
 * A hit is visible when the account's jurisdiction is one the hit was routed to or an ancestor of one;
 * an officer sees only hits at their own checkpoint (and within their jurisdiction).
 */
export function canSeeHit(p: Principal, hit: Pick<Hit, 'jurisdictions' | 'checkpointId'>): boolean {
  if (p.role === 'officer' && (!p.cp || hit.checkpointId !== p.cp)) return false;
  return hit.jurisdictions.some((j) => inScope(p, j));
}

/** Workflow actions a role may take on a hit it can see. */
export function allowedActions(p: Principal): ReadonlyArray<Hit['history'][number]['action']> {
  if (p.role === 'commander') return ['acknowledge', 'assign', 'resolve', 'reopen'];
  if (p.role === 'officer') return ['acknowledge'];
  return [];
}

export function assertCanSeeHit(p: Principal, hit: Hit | undefined, hitId: string): Hit {
  if (!hit) throw new AppError('not_found', `No hit ${hitId} among those the console holds (hits last recorded within HIT_LOOKBACK_DAYS; older ones are in Elasticsearch)`);
  if (!canSeeHit(p, hit)) throw new AppError('out_of_scope', `Hit ${hitId} is outside the scope of this account`);
  return hit;
}

/** The scope a client may narrow a view to: within the principal's own, never wider. */
export function assertWithinScope(p: Principal, jurisdiction: string | undefined): void {
  if (jurisdiction !== undefined && !inScope(p, jurisdiction)) throw new AppError('out_of_scope', `Jurisdiction ${jurisdiction} is outside ${p.jur}`);
}
