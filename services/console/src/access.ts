import { isWithinJurisdiction, type Hit } from '../../../schemas/src';
import type { Principal, Role } from '../../../lib/auth/tokens';

/** Who may call what: the one table every route consults. */
export const ROUTE_ROLES = {
  liveFeed: ['officer', 'commander', 'admin'],
  readHits: ['officer', 'commander', 'investigator', 'admin'],
  actOnHits: ['officer', 'commander', 'admin'],
  search: ['investigator', 'commander', 'admin'],
  stats: ['commander', 'investigator', 'admin', 'auditor'],
  watchlistRead: ['admin', 'investigator'],
  watchlistWrite: ['admin'],
  rules: ['admin'],
  audit: ['auditor'],
  reference: ['officer', 'commander', 'investigator', 'admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

/**
 * A hit is visible to an account whose jurisdiction is one the hit was routed to, or an ancestor of one
 * (a province sees its counties' hits, not its neighbours'). Officers see only their own checkpoint's hits.
 */
export function canSeeHit(hit: Hit, p: Principal): boolean {
  if (p.role === 'officer') return hit.checkpointId === p.cp;
  return hit.jurisdictions.some((j) => isWithinJurisdiction(j, p.jur));
}
