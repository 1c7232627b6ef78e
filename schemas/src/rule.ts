import { z } from 'zod';
import { CorridorId } from './checkpoint';
import { Bilingual, CheckpointId, text } from './common';
import { VEHICLE_KINDS } from './events';
import { SEVERITIES, WATCHLIST_CATEGORIES } from './watchlist';

/** The rule kinds of DESIGN.md §5; each is data: id, version, parameters, severity, on/off. */
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

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const categories = z.array(z.enum(WATCHLIST_CATEGORIES)).max(WATCHLIST_CATEGORIES.length);

/**
 * Parameters per rule kind. Every parameter is optional (the evaluator has a default) and unknown names are
 * refused: rules are edited by people, and a misspelt `windowMinute` must not silently fall back.
 */
export const RULE_PARAMS = {
  watchlist_person: z.strictObject({ excludeCategories: categories.optional() }),
  watchlist_vehicle: z.strictObject({
    /** Match OCR look-alikes, misread provinces and ±1 character, not only the exact plate. */
    fuzzy: z.boolean().optional(),
    maxFuzzyMatches: int(1, 20).optional(),
    minFuzzyScore: z.number().min(0).max(1).optional(),
  }),
  positive_drug_test: z.strictObject({
    /** Drivers of these vehicles (两客一危) are escalated. */
    escalateVehicleKinds: z.array(z.enum(VEHICLE_KINDS)).max(VEHICLE_KINDS.length).optional(),
    repeatWindowDays: int(1, 365).optional(),
    repeatMinCount: int(2, 100).optional(),
  }),
  revoked_licence_driving: z.strictObject({}),
  community_treatment_violation: z.strictObject({}),
  corridor_transit: z.strictObject({
    /** Limit the rule to one corridor (default: every corridor of the reference data). */
    corridorId: CorridorId.optional(),
    /** Limit the rule to these checkpoints of the corridor. */
    checkpointIds: z.array(CheckpointId).max(100).optional(),
    minCheckpoints: int(2, 100).optional(),
    windowMinutes: int(1, 7 * 24 * 60).optional(),
  }),
  co_traveller: z.strictObject({ categories: categories.optional() }),
  seizure_trace_back: z.strictObject({
    days: int(1, 365).optional(),
    /** Put the seized vehicles and persons on the watchlist, with provenance. */
    createEntries: z.boolean().optional(),
    entryValidDays: int(1, 3650).optional(),
  }),
  precursor_permit: z.strictObject({}),
  suspicious_without_test: z.strictObject({
    windowMinutes: int(1, 24 * 60).optional(),
    roles: z.array(z.enum(['driver', 'passenger'])).max(2).optional(),
    toleranceMinutes: int(0, 24 * 60).optional(),
    lateTestHours: int(0, 30 * 24).optional(),
  }),
  retro_hunt: z.strictObject({ days: int(1, 365).optional(), maxHits: int(1, 10_000).optional() }),
} as const satisfies Record<RuleKind, z.ZodType>;
export type RuleParamsOf<K extends RuleKind> = z.output<(typeof RULE_PARAMS)[K]>;

/** The value shapes any parameter may have; each kind narrows them (RULE_PARAMS). */
export const RuleParamValue = z.union([z.number(), z.string().max(200), z.boolean(), z.array(z.string().max(64)).max(200)]);

const ruleFields = {
  schemaVersion: z.literal(1).default(1),
  ruleId: z.string().min(1).max(64).regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and - only'),
  version: z.number().int().min(0).default(0),
  enabled: z.boolean(),
  severity: z.enum(SEVERITIES),
  /** Repeats of the same (rule, subject, checkpoint) inside this many minutes update one hit. */
  coolDownMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
  description: Bilingual,
  updatedBy: text(64).optional(),
};

/**
 * A rule definition (`rules.v1`, compacted, key = ruleId). `params` is typed loosely (a record) so code
 * can read any parameter with a fallback, and validated strictly against the kind's RULE_PARAMS schema.
 */
export const RuleSchema = z
  .object({
    ...ruleFields,
    kind: z.enum(RULE_KINDS),
    params: z.record(z.string().max(64), RuleParamValue).default({}),
  })
  .superRefine((r, ctx) => {
    const schema = RULE_PARAMS[r.kind] as z.ZodType | undefined;
    const checked = schema?.safeParse(r.params);
    for (const issue of checked?.error?.issues ?? []) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) ctx.addIssue({ code: 'custom', path: ['params', key], message: `not a parameter of ${r.kind} rules` });
      else ctx.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message });
    }
  });
export type Rule = z.output<typeof RuleSchema>;

/** The same rule as a discriminated union on `kind`, each with its typed `params` (documentation, typed code). */
export const TypedRuleSchema = z.discriminatedUnion('kind', [
  z.object({ ...ruleFields, kind: z.literal('watchlist_person'), params: RULE_PARAMS.watchlist_person.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('watchlist_vehicle'), params: RULE_PARAMS.watchlist_vehicle.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('positive_drug_test'), params: RULE_PARAMS.positive_drug_test.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('revoked_licence_driving'), params: RULE_PARAMS.revoked_licence_driving.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('community_treatment_violation'), params: RULE_PARAMS.community_treatment_violation.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('corridor_transit'), params: RULE_PARAMS.corridor_transit.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('co_traveller'), params: RULE_PARAMS.co_traveller.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('seizure_trace_back'), params: RULE_PARAMS.seizure_trace_back.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('precursor_permit'), params: RULE_PARAMS.precursor_permit.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('suspicious_without_test'), params: RULE_PARAMS.suspicious_without_test.default({}) }),
  z.object({ ...ruleFields, kind: z.literal('retro_hunt'), params: RULE_PARAMS.retro_hunt.default({}) }),
]);
export type TypedRule = z.output<typeof TypedRuleSchema>;

/** A rule's parameters, typed for its kind (the rule came through RuleSchema, so they are valid). */
export function ruleParams<K extends RuleKind>(rule: { kind: K; params: Rule['params'] }): RuleParamsOf<K> {
  return RULE_PARAMS[rule.kind].parse(rule.params) as RuleParamsOf<K>;
}
