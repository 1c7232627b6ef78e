import { AppError } from '../../../../lib/errors';
import type { Principal } from '../../../../lib/auth/tokens';
import type { SearchDeps, SearchGrant } from './search-deps';

/**
 * The grant a search names (`grantId`), checked for this caller and the jurisdiction asked for; undefined
 * when none is named. A search under a grant is flagged `crossJurisdiction` in the audit trail.
 */
export function grantFor(deps: SearchDeps, p: Principal, grantId: string | undefined, requested?: string): SearchGrant | undefined {
  if (!grantId) return undefined;
  if (!deps.checkGrant) throw new AppError('grant_invalid', 'Cross-jurisdiction grants are not enabled on this console', { errors: [{ path: '/grantId', message: 'grants not enabled' }] });
  return deps.checkGrant(p, grantId, requested);
}

/** A search under a grant that states no purpose is made for the grant's case. */
export const purposeUnder = (purpose: string | undefined, grant: SearchGrant | undefined): string | undefined => purpose ?? (grant ? `case ${grant.caseNumber}` : undefined);
