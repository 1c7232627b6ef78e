import { z } from 'zod';
import { Bilingual, JurisdictionCode, OffsetDateTime, canonicalPermitNo, text } from './common';
import { parsePlate } from './plate';
import { parseResidentId } from './resident-id';

export const WATCHLIST_CATEGORIES = ['fugitive', 'prior_trafficking', 'registered_drug_user', 'community_treatment', 'revoked_licence', 'case_vehicle', 'vehicle_of_interest', 'precursor_permit'] as const;
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const ACTIONS = ['detain', 'covert_check', 'question', 'test'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const WatchlistEntrySchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    entryId: z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/),
    kind: z.enum(['person', 'vehicle', 'permit']),
    key: z.string().min(1).max(40),
    category: z.enum(WATCHLIST_CATEGORIES),
    severity: z.enum(SEVERITIES),
    action: z.enum(ACTIONS),
    ownerJurisdiction: JurisdictionCode,
    reason: text(500),
    validFrom: OffsetDateTime.optional(),
    validUntil: OffsetDateTime.optional(),
    attributes: z
      .object({
        chemical: text(40).optional(),
        maxQuantityKg: z.number().positive().max(1e7).optional(),
        carrierPlate: text(16).optional(),
        permitNo: text(40).optional(),
        areaJurisdiction: JurisdictionCode.optional(),
      })
      .default({}),
    version: z.number().int().min(0).default(0),
    provenance: z.object({ source: z.enum(['admin', 'import', 'trace-back', 'seed']), by: text(64), at: OffsetDateTime, eventId: text(64).optional() }).optional(),
    display: Bilingual.optional(),
  })
  .transform((e, ctx) => {
    // The key is normalised per kind, so matching compares like with like.
    if (e.kind === 'person') {
      const r = parseResidentId(e.key);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', path: ['key'], message: r.reason });
        return z.NEVER;
      }
      return { ...e, key: r.id18 };
    }
    if (e.kind === 'vehicle') {
      const r = parsePlate(e.key);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', path: ['key'], message: r.reason });
        return z.NEVER;
      }
      return { ...e, key: r.plate };
    }
    return { ...e, key: canonicalPermitNo(e.key) };
  });
export type WatchlistEntry = z.output<typeof WatchlistEntrySchema>;
