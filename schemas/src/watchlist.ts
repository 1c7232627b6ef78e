import { z } from 'zod';
import { Bilingual, JurisdictionCode, OffsetDateTime, canonicalPermitNo, text } from './common';
import { parsePlate } from './plate';
import { parseResidentId } from './resident-id';
import { PrecursorId } from './substances';

export const WATCHLIST_KINDS = ['person', 'vehicle', 'permit'] as const;
export type WatchlistKind = (typeof WATCHLIST_KINDS)[number];
export const WATCHLIST_CATEGORIES = ['fugitive', 'prior_trafficking', 'registered_drug_user', 'community_treatment', 'revoked_licence', 'case_vehicle', 'vehicle_of_interest', 'precursor_permit'] as const;
export type WatchlistCategory = (typeof WATCHLIST_CATEGORIES)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ACTIONS = ['detain', 'covert_check', 'question', 'test'] as const;
export type Action = (typeof ACTIONS)[number];

/** Which categories each kind of entry may have: a plate cannot be a fugitive, a person cannot be a permit. */
export const CATEGORIES_BY_KIND: Readonly<Record<WatchlistKind, readonly WatchlistCategory[]>> = {
  person: ['fugitive', 'prior_trafficking', 'registered_drug_user', 'community_treatment', 'revoked_licence'],
  vehicle: ['case_vehicle', 'vehicle_of_interest'],
  permit: ['precursor_permit'],
};

export const WatchlistEntryId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const WatchlistProvenance = z.object({
  source: z.enum(['admin', 'import', 'trace-back', 'seed']),
  by: text(64),
  at: OffsetDateTime,
  /** The seizure a trace-back entry came from. */
  eventId: text(64).optional(),
});

type Parsed = { ok: true; id18: string } | { ok: true; plate: string } | { ok: false; reason: string };
const failure = (r: Parsed): string | undefined => (r.ok ? undefined : r.reason);
const normalised = (r: Parsed, raw: string): string => (!r.ok ? raw : 'id18' in r ? r.id18 : r.plate);

const Attributes = z.object({
  /** Permit: the chemical it allows, how much, on which vehicle, and its number as printed. */
  chemical: PrecursorId.optional(),
  maxQuantityKg: z.number().positive().max(1e7).optional(),
  carrierPlate: text(32).optional(),
  permitNo: text(40).optional(),
  /** Community treatment: the area the person must stay in. */
  areaJurisdiction: JurisdictionCode.optional(),
});

/**
 * One watchlist entry (`watchlist.v1`, compacted, key = entryId). The key is normalised per kind on parse:
 * person → 18-character resident id, vehicle → canonical plate, permit → upper-case permit number without
 * spaces, so matching compares like with like.
 */
export const WatchlistEntrySchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    entryId: WatchlistEntryId,
    kind: z.enum(WATCHLIST_KINDS),
    key: z.string().min(1).max(40),
    category: z.enum(WATCHLIST_CATEGORIES),
    severity: z.enum(SEVERITIES),
    action: z.enum(ACTIONS),
    ownerJurisdiction: JurisdictionCode,
    reason: text(500),
    validFrom: OffsetDateTime.optional(),
    validUntil: OffsetDateTime.optional(),
    attributes: Attributes.default({}),
    version: z.number().int().min(0).default(0),
    provenance: WatchlistProvenance.optional(),
    display: Bilingual.optional(),
  })
  .superRefine((e, ctx) => {
    const keyProblem =
      e.kind === 'person' ? failure(parseResidentId(e.key)) : e.kind === 'vehicle' ? failure(parsePlate(e.key)) : canonicalPermitNo(e.key) === '' ? 'a permit number has letters or digits' : undefined;
    if (keyProblem) ctx.addIssue({ code: 'custom', path: ['key'], message: keyProblem, input: e.key });
    // Defensive lookups: zod still runs refinements when only non-fatal issues (a too-long reason) were found.
    const allowed = CATEGORIES_BY_KIND[e.kind] ?? WATCHLIST_CATEGORIES;
    if (!allowed.includes(e.category)) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: `a ${e.kind} entry has category ${allowed.join(' | ')}` });
    }
    if (e.validFrom && e.validUntil && Date.parse(e.validFrom) > Date.parse(e.validUntil)) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'validUntil is before validFrom' });
    }
    if (e.kind === 'permit') {
      if (!e.attributes.chemical) ctx.addIssue({ code: 'custom', path: ['attributes', 'chemical'], message: 'a permit names its chemical' });
      if (e.attributes.maxQuantityKg === undefined) ctx.addIssue({ code: 'custom', path: ['attributes', 'maxQuantityKg'], message: 'a permit states its maximum quantity' });
    }
    const plateProblem = e.attributes.carrierPlate === undefined ? undefined : failure(parsePlate(e.attributes.carrierPlate));
    if (plateProblem) ctx.addIssue({ code: 'custom', path: ['attributes', 'carrierPlate'], message: plateProblem });
  })
  // Runs only when every check above passed, so each parse here succeeds.
  .transform((e) => ({
    ...e,
    key: e.kind === 'person' ? normalised(parseResidentId(e.key), e.key) : e.kind === 'vehicle' ? normalised(parsePlate(e.key), e.key) : canonicalPermitNo(e.key),
    attributes: {
      ...e.attributes,
      ...(e.attributes.carrierPlate !== undefined ? { carrierPlate: normalised(parsePlate(e.attributes.carrierPlate), e.attributes.carrierPlate) } : {}),
      ...(e.attributes.permitNo !== undefined ? { permitNo: canonicalPermitNo(e.attributes.permitNo) } : {}),
    },
  }));
export type WatchlistEntry = z.output<typeof WatchlistEntrySchema>;
