import type { Rule } from '../../../schemas/src';

const r = (ruleId: string, kind: Rule['kind'], severity: Rule['severity'], zh: string, en: string, params: Rule['params'] = {}, coolDownMinutes = 60): Rule => ({
  schemaVersion: 1,
  ruleId,
  version: 1,
  kind,
  enabled: true,
  severity,
  coolDownMinutes,
  params,
  description: { zh, en },
});

/** The rule set a fresh deployment starts with; the console's rules API edits it through `rules.v1`. */
export const DEFAULT_RULES: Rule[] = [
  r('watchlist-person', 'watchlist_person', 'high', '人员比中布控名单', 'Person on a watchlist'),
  r('watchlist-vehicle', 'watchlist_vehicle', 'high', '车辆比中布控名单(含形近字模糊比对)', 'Vehicle on a watchlist (with OCR look-alike matching)', { fuzzy: true, maxFuzzyMatches: 3 }),
  r('positive-drug-test', 'positive_drug_test', 'high', '毒驾/吸毒检测阳性', 'Positive roadside drug test', { escalateVehicleKinds: ['coach', 'bus', 'hazmat'] }),
  r('revoked-licence-driving', 'revoked_licence_driving', 'high', '注销驾驶证人员驾车', 'Driving with a licence revoked for drug use'),
  r('community-treatment', 'community_treatment_violation', 'high', '社区戒毒/康复人员脱管或检测阳性', 'Person under community treatment out of area or positive'),
  r('co-traveller', 'co_traveller', 'medium', '与重点人员同行', 'Travelling with a watchlisted person', { categories: ['fugitive', 'prior_trafficking'] }),
  r('precursor-permit', 'precursor_permit', 'high', '易制毒化学品无证或超量运输', 'Precursor cargo without a valid permit or above it'),
  r('corridor-transit', 'corridor_transit', 'medium', '同一车辆短时间内通过通道多个卡点', 'Same vehicle through several checkpoints of a corridor', { minCheckpoints: 3, windowMinutes: 360 }),
  r('suspicious-without-test', 'suspicious_without_test', 'medium', '逢嫌必检:可疑人员未做毒品检测', 'Suspicious inspection not followed by a drug test', { windowMinutes: 30 }),
  r('seizure-trace-back', 'seizure_trace_back', 'high', '查获溯源:涉案车辆和人员既往轨迹', 'Seizure trace-back of vehicles and persons', { days: 30 }),
  r('retro-hunt', 'retro_hunt', 'high', '新增布控回溯比对', 'New watchlist entry matched against past sightings', { days: 30 }),
];
