import type { estypes } from '@elastic/elasticsearch';
import { isValidPlate, isWithinJurisdiction, parseResidentId } from '../../../../schemas/src';
import type { Principal } from '../../../../lib/auth/tokens';
import { AppError } from '../../../../lib/errors';
import { foldedPlateVariants, platePattern, PlatePatternError } from '../../../../infra/elasticsearch/plate-grams';
import type { SearchFilters } from './search-request';

/** Dates without an offset are read as China time; the console's users are there. */
export const TIME_ZONE = '+08:00';

export type Clause = estypes.QueryDslQueryContainer;

/**
 * The caller's jurisdiction subtree, as one term (the indexer stores every ancestor in
 * `jurisdictionChain`); a national account (`000000`) sees everything. A jurisdiction outside it needs a
 * grant (issue 7): without one the search is refused with `grant_required`; with one, the search covers the
 * requested jurisdiction, or (none requested) the caller's own subtree and the granted one.
 */
export function scopeClauses(p: Principal, requested?: string, grant?: { jurisdiction: string; grantId: string }, grantable = true): Clause[] {
  const chain = (j: string): Clause[] => (j === '000000' ? [] : [{ term: { jurisdictionChain: j } }]);
  if (requested && !isWithinJurisdiction(requested, p.jur)) {
    if (!grantable) throw new AppError('out_of_scope', `Jurisdiction ${requested} is outside your scope ${p.jur}`, { errors: [{ path: '/jurisdiction', message: 'outside your jurisdiction' }] });
    if (!grant) {
      throw new AppError('grant_required', `Jurisdiction ${requested} is outside your scope ${p.jur}; searching it needs a grant for your case from one of its commanders or admins (pass grantId)`, { errors: [{ path: '/jurisdiction', message: 'outside your jurisdiction; grant required' }] });
    }
    if (!isWithinJurisdiction(requested, grant.jurisdiction)) throw new AppError('grant_invalid', `Grant ${grant.grantId} does not cover ${requested}`, { errors: [{ path: '/jurisdiction', message: 'not covered by the grant' }] });
    return chain(requested);
  }
  if (grant && !requested) {
    const own = chain(p.jur);
    return own.length ? [{ bool: { should: [...own, ...chain(grant.jurisdiction)], minimum_should_match: 1 } }] : [];
  }
  const out: Clause[] = chain(p.jur);
  if (requested && requested !== p.jur) out.push(...chain(requested));
  return out;
}

/** `from`/`to` as a range; a bare date in `to` includes that whole day. */
export function timeRange(field: string, from?: string, to?: string): Clause[] {
  if (!from && !to) return [];
  const range: estypes.QueryDslDateRangeQuery = { time_zone: TIME_ZONE };
  if (from) range.gte = from;
  if (to) range.lte = to.length === 10 ? `${to}||/d` : to;
  return [{ range: { [field]: range } }];
}

/** Exact, partial (`晋C*45`, any substring) and look-alike plate search as term lookups (plate-grams.ts). */
export function plateClauses(plate: string, fuzzy: boolean): Clause[] {
  let pattern;
  try {
    pattern = platePattern(plate, { fuzzy, isWholePlate: isValidPlate });
  } catch (err) {
    if (err instanceof PlatePatternError) throw new AppError('validation_failed', err.message, { errors: [{ path: '/plate', message: err.message }] });
    throw err;
  }
  if (pattern.kind === 'exact') return fuzzy ? [{ terms: { platesFolded: foldedPlateVariants(pattern.plate) } }] : [{ term: { plates: pattern.plate } }];
  const clauses: Clause[] = pattern.groups.map((g): Clause => (g.length === 1 ? { term: { plateGrams: g[0]! } } : { terms: { plateGrams: g } }));
  if (pattern.verify) clauses.push({ wildcard: { plates: { value: pattern.verify } } });
  return clauses;
}

/** A resident id in any accepted form (15 or 18 digits) → its 18-digit form, or a 400. */
export function residentIdOrFail(raw: string, pointer: string): string {
  const r = parseResidentId(raw);
  if (!r.ok) throw new AppError('validation_failed', `Not a resident id: ${r.reason}`, { errors: [{ path: pointer, message: r.reason }] });
  return r.id18;
}

/** The Elasticsearch query for a search or an export: always inside the caller's jurisdiction. */
export function buildEventQuery(r: SearchFilters, p: Principal, grant?: { jurisdiction: string; grantId: string }): { bool: { filter: Clause[]; must: Clause[] } } {
  const filter: Clause[] = [...scopeClauses(p, r.jurisdiction, grant)];
  if (r.types?.length) filter.push({ terms: { type: r.types } });
  if (r.checkpointIds?.length) filter.push({ terms: { checkpointId: r.checkpointIds } });
  filter.push(...timeRange('occurredAt', r.from, r.to));
  if (r.plate) filter.push(...plateClauses(r.plate, r.plateFuzzy ?? false));
  if (r.idNumber) filter.push({ term: { personIds: residentIdOrFail(r.idNumber, '/idNumber') } });
  if (r.substance) filter.push({ term: { substances: r.substance } });
  if (r.outcome) filter.push({ term: { outcome: r.outcome } });
  if (r.suspicious !== undefined) filter.push({ term: { suspicious: r.suspicious } });
  // Chinese text is indexed one character per token: each word the user typed must appear as a phrase.
  const must: Clause[] = (r.query ?? '').split(/\s+/).filter(Boolean).slice(0, 10).map((w) => ({ match_phrase: { text: w } }));
  return { bool: { filter, must } };
}
