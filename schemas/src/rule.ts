import { z } from 'zod';
import { Bilingual, text } from './common';
import { SEVERITIES } from './watchlist';

export const RULE_KINDS = [
  'watchlist_person',
  'watchlist_vehicle',
  'positive_drug_test',
  'revoked_licence_driving',
  'community_treatment_violation',
  'corridor_transit',
  'co_traveller',
  'seizure_trace_back',
  'precursor_permit',
  'suspicious_without_test',
  'retro_hunt',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** A rule is data: parameters per kind, on/off, severity; changed through the API, applied without restart. */
export const RuleSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  ruleId: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/),
  version: z.number().int().min(0).default(0),
  kind: z.enum(RULE_KINDS),
  enabled: z.boolean(),
  severity: z.enum(SEVERITIES),
  coolDownMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
  params: z.record(z.string().max(64), z.union([z.number(), z.string().max(200), z.boolean(), z.array(z.string().max(64)).max(200)])).default({}),
  description: Bilingual,
  updatedBy: text(64).optional(),
});
export type Rule = z.output<typeof RuleSchema>;
