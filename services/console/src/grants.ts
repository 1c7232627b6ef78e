import { isWithinJurisdiction, type GrantRecord } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import type { Principal } from '../../../lib/auth/tokens';

/** Longest a grant may run: cooperation on a case is renewed, not open-ended. */
export const MAX_GRANT_DAYS = 30;

/** A grant is usable while it is not revoked and not past `validUntil`. */
export function grantState(g: GrantRecord, nowMs = Date.now()): 'active' | 'expired' | 'revoked' {
  if (g.revoked) return 'revoked';
  return Date.parse(g.validUntil) <= nowMs ? 'expired' : 'active';
}

/**
 * The grant a search names, checked for this caller: it exists, is theirs, is active, and covers the
 * requested jurisdiction (when one is requested outside their own scope). Anything else is 403 `grant_invalid`.
 */
export function createGrantCheck(lookup: (grantId: string) => GrantRecord | undefined, now: () => number = Date.now) {
  return (p: Principal, grantId: string, requested?: string): GrantRecord => {
    const g = lookup(grantId);
    const refuse = (why: string) => new AppError('grant_invalid', `Grant ${grantId}: ${why}`, { errors: [{ path: '/grantId', message: why }] });
    if (!g) throw refuse('no such grant');
    if (g.grantee !== p.sub) throw refuse('granted to another user');
    if (p.role !== 'investigator') throw refuse('grants are for investigators');
    const state = grantState(g, now());
    if (state !== 'active') throw refuse(state);
    if (requested && !isWithinJurisdiction(requested, p.jur) && !isWithinJurisdiction(requested, g.jurisdiction)) throw refuse(`does not cover jurisdiction ${requested}`);
    return g;
  };
}
export type GrantCheck = ReturnType<typeof createGrantCheck>;
