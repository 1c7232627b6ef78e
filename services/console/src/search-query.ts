import { z } from 'zod';
import { canonicalPlate, foldLookalikes, parseResidentId } from '../../../schemas/src';
import type { Principal } from '../../../lib/auth/tokens';
import { AppError } from '../../../lib/errors';

export const SearchRequest = z.object({
  query: z.string().max(200).optional(),
  types: z.array(z.enum(['inspection', 'drug_test', 'seizure'])).max(3).optional(),
  checkpointIds: z.array(z.string().max(40)).max(100).optional(),
  jurisdiction: z.string().regex(/^\d{6}$/).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  plate: z.string().min(2).max(16).optional(),
  plateFuzzy: z.boolean().optional(),
  idNumber: z.string().max(20).optional(),
  substance: z.string().max(40).optional(),
  outcome: z.string().max(20).optional(),
  suspicious: z.boolean().optional(),
  sort: z.enum(['occurredAt:desc', 'occurredAt:asc']).default('occurredAt:desc'),
  size: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(500).optional(),
  aggregations: z.boolean().optional(),
  purpose: z.string().max(500).optional(),
});
export type SearchRequest = z.infer<typeof SearchRequest>;

/** Plate and person searches are about people: they need a stated purpose or case number (audited). */
export function requirePurpose(req: { plate?: string | undefined; idNumber?: string | undefined; purpose?: string | undefined }): void {
  if ((req.plate || req.idNumber) && (!req.purpose || req.purpose.trim().length < 4)) {
    throw new AppError('purpose_required', 'State a purpose or case number (≥ 4 characters) for plate and person searches', { errors: [{ path: '/purpose', message: 'required for plate and person searches' }] });
  }
}

/** Partial plate `晋C*45` or any substring → grams that must all be present (the indexer stores them). */
export function plateClauses(plate: string, fuzzy: boolean): object[] {
  const p = canonicalPlate(plate);
  if (fuzzy) return [{ term: { platesFolded: foldLookalikes(p) } }];
  if (!p.includes('*') && [...p].length >= 7) return [{ term: { plates: p } }];
  const parts = p.split('*').filter((s) => [...s].length >= 2);
  const singles = p.split('*').filter((s) => [...s].length === 1);
  if (!parts.length) throw new AppError('validation_failed', 'A partial plate needs at least two consecutive known characters', { errors: [{ path: '/plate', message: 'e.g. 晋C*45 or C7K2' }] });
  const clauses: object[] = parts.map((s) => ({ term: { plateGrams: [...s].slice(0, 8).join('') } }));
  // Single known characters between wildcards still narrow it: a 2-gram that contains them is not known, so use a prefix on the plate.
  if (singles.length && p.startsWith(singles[0]!)) clauses.push({ prefix: { plates: singles[0] } });
  return clauses;
}

/** The Elasticsearch query for a search, always inside the caller's jurisdiction. */
export function buildQuery(r: SearchRequest, p: Principal): object {
  const filter: object[] = [];
  if (p.jur !== '000000') filter.push({ term: { jurisdictionChain: p.jur } });
  if (r.jurisdiction) filter.push({ term: { jurisdictionChain: r.jurisdiction } });
  if (r.types?.length) filter.push({ terms: { type: r.types } });
  if (r.checkpointIds?.length) filter.push({ terms: { checkpointId: r.checkpointIds } });
  if (r.from || r.to) filter.push({ range: { occurredAt: { ...(r.from ? { gte: r.from } : {}), ...(r.to ? { lte: r.to } : {}) } } });
  if (r.plate) filter.push(...plateClauses(r.plate, r.plateFuzzy ?? false));
  if (r.idNumber) {
    const id = parseResidentId(r.idNumber);
    filter.push({ term: { personIds: id.ok ? id.id18 : r.idNumber.toUpperCase() } });
  }
  if (r.substance) filter.push({ term: { substances: r.substance } });
  if (r.outcome) filter.push({ term: { outcome: r.outcome } });
  if (r.suspicious !== undefined) filter.push({ term: { suspicious: r.suspicious } });
  const must = r.query ? [{ match_phrase: { text: r.query } }] : [];
  return { bool: { filter, must } };
}
