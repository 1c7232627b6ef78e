import { maskResidentId } from '../../../schemas/src';
import type { Principal } from '../../../lib/auth/tokens';

/**
 * Roles that work with full resident ids; everyone else sees them masked (issue 7, privacy). The same
 * rule as the search plugin's `seesFullIds`: investigators trace people, admins key watchlists by id.
 */
const FULL_IDS = new Set<Principal['role']>(['investigator', 'admin']);

export const seesFullIds = (p: Principal): boolean => FULL_IDS.has(p.role);

/** A copy of a record with every `idNumber` (and `key` of a person entry) masked, unless the role needs them. */
export function maskIdsFor<T>(p: Principal, value: T): T {
  if (seesFullIds(p)) return value;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'idNumber' && typeof x === 'string') out[k] = maskResidentId(x);
      else if (k === 'key' && o.kind === 'person' && typeof x === 'string') out[k] = maskResidentId(x);
      else out[k] = walk(x);
    }
    return out;
  };
  return walk(value) as T;
}
