import type { Rule } from '../../../schemas/src';

const rule = (ruleId: string, kind: Rule['kind'], severity: Rule['severity'], coolDownMinutes: number, description: Rule['description'], params: Rule['params'] = {}): Rule => ({
  schemaVersion: 1,
  ruleId,
  version: 1,
  kind,
  enabled: true,
  severity,
  coolDownMinutes,
  params,
  description,
});

/**
 * The rule set a fresh deployment starts with (one per rule kind of DESIGN.md §5), seeded into `rules.v1`
 * by the rules service when that topic is empty; the console's rules API edits them there.
 * Parameters (all optional, these are the defaults the evaluators fall back to):
 * - watchlist-vehicle: fuzzy, maxFuzzyMatches (per plate), minFuzzyScore (0..1)
 * - positive-drug-test: escalateVehicleKinds, repeatWindowDays, repeatMinCount (repeat positives, stage 2)
 * - co-traveller: categories of the watchlisted anchor
 * - corridor-transit: minCheckpoints, windowMinutes
 * - suspicious-without-test: windowMinutes, roles, toleranceMinutes, lateTestHours
 * - seizure-trace-back: days, createEntries, entryValidDays
 * - retro-hunt: days, maxHits (per entry)
 */
export const DEFAULT_RULES: readonly Rule[] = [
  rule('watchlist-person', 'watchlist_person', 'high', 60, { zh: '人员比中布控名单', en: 'Person on a watchlist' }, { excludeCategories: ['revoked_licence', 'community_treatment'] }),
  rule('watchlist-vehicle', 'watchlist_vehicle', 'high', 60, { zh: '车辆比中布控名单(含形近字模糊比对)', en: 'Vehicle on a watchlist (with OCR look-alike matching)' }, { fuzzy: true, maxFuzzyMatches: 3, minFuzzyScore: 0 }),
  rule('positive-drug-test', 'positive_drug_test', 'high', 60, { zh: '毒驾/吸毒检测阳性(营运、危化品车辆驾驶人及多次阳性升级)', en: 'Positive drug test (escalated for coach/hazmat drivers and repeat positives)' }, { escalateVehicleKinds: ['coach', 'bus', 'hazmat'], repeatWindowDays: 30, repeatMinCount: 2 }),
  rule('revoked-licence-driving', 'revoked_licence_driving', 'high', 60, { zh: '注销驾驶证人员驾车', en: 'Driving with a licence revoked for drug use' }),
  rule('community-treatment', 'community_treatment_violation', 'high', 60, { zh: '社区戒毒/康复人员脱离管控区域或检测阳性', en: 'Person under community treatment out of area or positive' }),
  rule('co-traveller', 'co_traveller', 'medium', 60, { zh: '与重点人员同行', en: 'Travelling with a watchlisted person' }, { categories: ['fugitive', 'prior_trafficking'] }),
  rule('precursor-permit', 'precursor_permit', 'high', 60, { zh: '易制毒化学品无证或超量运输', en: 'Precursor cargo without a valid permit or above it' }),
  rule('corridor-transit', 'corridor_transit', 'medium', 360, { zh: '同一车辆短时间内通过通道多个卡点', en: 'Same vehicle through several checkpoints of a corridor' }, { minCheckpoints: 3, windowMinutes: 360 }),
  rule('suspicious-without-test', 'suspicious_without_test', 'medium', 60, { zh: '逢嫌必检:可疑人员未做毒品检测', en: 'Suspicious inspection not followed by a drug test' }, { windowMinutes: 30, roles: ['driver', 'passenger'], toleranceMinutes: 5, lateTestHours: 24 }),
  rule('seizure-trace-back', 'seizure_trace_back', 'high', 1440, { zh: '查获溯源:涉案车辆和人员既往轨迹', en: 'Seizure trace-back of vehicles and persons' }, { days: 30, createEntries: true, entryValidDays: 365 }),
  rule('retro-hunt', 'retro_hunt', 'high', 60, { zh: '新增布控回溯比对', en: 'New watchlist entry matched against past sightings' }, { days: 30, maxHits: 100 }),
];
