import { eventSubjects, isWithinJurisdiction, maskResidentId, type Event, type Rule, type WatchlistEntry } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import type { WatchlistIndex } from './simple-watchlist';
import type { HitDraft } from './hit-builder';

export interface EvaluationContext {
  watchlist: WatchlistIndex;
  /** Enabled rules by kind (a disabled rule is absent). */
  rules: Map<Rule['kind'], Rule>;
  registry: CheckpointRegistry;
}

const SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'] as const;
const raise = (s: HitDraft['severity']): HitDraft['severity'] => SEVERITY_ORDER[Math.min(3, SEVERITY_ORDER.indexOf(s) + 1)]!;
const CATEGORY_ZH: Record<string, string> = {
  fugitive: '在逃人员',
  prior_trafficking: '制贩毒前科人员',
  registered_drug_user: '在册吸毒人员',
  community_treatment: '社区戒毒/康复人员',
  revoked_licence: '注销驾驶证人员',
  case_vehicle: '涉案车辆',
  vehicle_of_interest: '重点车辆',
};
const person = (id: string) => ({ kind: 'person' as const, key: id, display: maskResidentId(id) });
const entryMatch = (entry: WatchlistEntry) => ({ entryId: entry.entryId, exact: true, kind: 'exact' as const });
// Categories that are a hit only under their own rule's condition, not merely for being seen.
const CONDITIONAL = new Set(['revoked_licence', 'community_treatment']);

/**
 * The stateless rules: everything decidable from one event and the watchlist. Pure, so the live worker,
 * backtests and unit tests share it.
 */
export function evaluateEvent(e: Event, ctx: EvaluationContext): HitDraft[] {
  const at = new Date(Date.parse(e.occurredAt));
  const out: HitDraft[] = [];
  const { plates, persons } = eventSubjects(e);
  const cpJur = ctx.registry.jurisdictionOf(e.checkpointId) ?? '000000';
  const personHits = persons.map((p) => ({ ...p, entries: ctx.watchlist.matchPerson(p.idNumber, at) }));

  const wp = ctx.rules.get('watchlist_person');
  if (wp) {
    for (const p of personHits)
      for (const entry of p.entries) {
        if (CONDITIONAL.has(entry.category)) continue;
        const cat = CATEGORY_ZH[entry.category] ?? entry.category;
        out.push({
          rule: wp, subject: person(p.idNumber), match: entryMatch(entry), entry, severity: entry.severity, category: entry.category, action: entry.action,
          summary: { zh: `${cat}(${p.role === 'driver' ? '驾驶人' : p.role === 'passenger' ? '乘车人' : '当事人'})比中布控:${entry.reason}`, en: `${entry.category.replaceAll('_', ' ')} (${p.role}) on watchlist: ${entry.reason}` },
        });
      }
  }

  const wv = ctx.rules.get('watchlist_vehicle');
  if (wv) {
    const fuzzy = wv.params.fuzzy !== false;
    const limit = typeof wv.params.maxFuzzyMatches === 'number' ? wv.params.maxFuzzyMatches : 3;
    for (const plate of plates)
      for (const m of ctx.watchlist.matchVehicle(plate, at, { fuzzy, limit })) {
        const cat = CATEGORY_ZH[m.entry.category] ?? m.entry.category;
        out.push({
          rule: wv, subject: { kind: 'vehicle', key: plate, display: plate },
          match: { entryId: m.entry.entryId, exact: m.exact, kind: m.kind, ...(m.exact ? {} : { differences: { positions: m.differences.positions, description: m.differences.description } }) },
          entry: m.entry,
          // A fuzzy match is a weaker lead: one level lower, and the officer verifies before acting.
          severity: m.exact ? m.entry.severity : SEVERITY_ORDER[Math.max(0, SEVERITY_ORDER.indexOf(m.entry.severity) - 1)]!,
          category: m.entry.category,
          action: m.exact ? m.entry.action : 'covert_check',
          summary: m.exact
            ? { zh: `${cat}${plate}比中布控:${m.entry.reason}`, en: `${m.entry.category.replaceAll('_', ' ')} ${plate} on watchlist: ${m.entry.reason}` }
            : { zh: `号牌${plate}疑似布控车辆${m.entry.key}(${m.differences.description.zh}),请核实`, en: `plate ${plate} may be listed vehicle ${m.entry.key} (${m.differences.description.en}); verify` },
        });
      }
  }

  if (e.type === 'drug_test') {
    const positives = e.results.filter((x) => x.outcome === 'positive');
    const pd = ctx.rules.get('positive_drug_test');
    if (pd && positives.length) {
      const escalateKinds = Array.isArray(pd.params.escalateVehicleKinds) ? pd.params.escalateVehicleKinds : ['coach', 'bus', 'hazmat'];
      const professional = e.vehicle?.kind !== undefined && escalateKinds.includes(e.vehicle.kind);
      const subs = positives.map((x) => x.substance).join(', ');
      out.push({
        rule: pd, subject: person(e.subject.idNumber), match: { exact: true, kind: 'pattern' }, severity: professional ? raise(pd.severity) : pd.severity, category: 'positive_drug_test', action: 'detain',
        summary: professional
          ? { zh: `营运/危化品车辆驾驶人毒检阳性(${subs}),升级处置`, en: `professional (coach/hazmat) driver tested positive (${subs}): escalated` }
          : { zh: `毒检阳性(${subs})`, en: `roadside drug test positive (${subs})` },
      });
    }
    const ct = ctx.rules.get('community_treatment_violation');
    if (ct && positives.length)
      for (const entry of ctx.watchlist.matchPerson(e.subject.idNumber, at).filter((x) => x.category === 'community_treatment'))
        out.push({ rule: ct, subject: person(e.subject.idNumber), match: entryMatch(entry), entry, severity: ct.severity, category: 'community_treatment', action: 'detain', summary: { zh: '社区戒毒/康复人员毒检阳性', en: 'person under community treatment tested positive' } });
  }

  if (e.type === 'inspection') {
    const rl = ctx.rules.get('revoked_licence_driving');
    const driver = personHits.find((p) => p.role === 'driver');
    if (rl && driver)
      for (const entry of driver.entries.filter((x) => x.category === 'revoked_licence'))
        out.push({ rule: rl, subject: person(driver.idNumber), match: entryMatch(entry), entry, severity: rl.severity, category: 'revoked_licence', action: 'detain', summary: { zh: `注销驾驶证人员驾驶${e.vehicle.plate}`, en: `driving ${e.vehicle.plate} with a licence revoked for drug use` } });

    const ct = ctx.rules.get('community_treatment_violation');
    if (ct)
      for (const p of personHits)
        for (const entry of p.entries.filter((x) => x.category === 'community_treatment' && x.attributes.areaJurisdiction && !isWithinJurisdiction(cpJur, x.attributes.areaJurisdiction)))
          out.push({ rule: ct, subject: person(p.idNumber), match: entryMatch(entry), entry, severity: ct.severity, category: 'community_treatment', action: 'question', summary: { zh: `社区戒毒/康复人员离开管控区域(${entry.attributes.areaJurisdiction})`, en: `person under community treatment outside their area (${entry.attributes.areaJurisdiction})` } });

    const co = ctx.rules.get('co_traveller');
    if (co) {
      const cats = Array.isArray(co.params.categories) ? co.params.categories : ['fugitive', 'prior_trafficking'];
      for (const anchor of personHits)
        for (const entry of anchor.entries.filter((x) => cats.includes(x.category)))
          for (const other of personHits.filter((p) => p.idNumber !== anchor.idNumber))
            out.push({ rule: co, subject: person(other.idNumber), match: { entryId: entry.entryId, exact: true, kind: 'pattern' }, entry, severity: co.severity, category: 'co_traveller', action: 'question', summary: { zh: `与${CATEGORY_ZH[entry.category] ?? entry.category}同车(${e.vehicle.plate})`, en: `travelling with a ${entry.category.replaceAll('_', ' ')} in ${e.vehicle.plate}` } });
    }

    const pp = ctx.rules.get('precursor_permit');
    if (pp)
      for (const c of e.cargo?.precursors ?? []) {
        const permits = ctx.watchlist.matchPermits({ ...(c.permitNo ? { permitNo: c.permitNo } : {}), carrierPlate: e.vehicle.plate }, at).filter((p) => p.category === 'precursor_permit');
        const valid = permits.find((p) => (!p.attributes.chemical || p.attributes.chemical === c.chemical) && (!c.permitNo || p.key === c.permitNo.trim().toUpperCase()));
        const problem = !valid
          ? { zh: `运输易制毒化学品${c.chemical} ${c.quantityKg}kg,无有效许可证`, en: `${c.quantityKg} kg of ${c.chemical} without a valid permit` }
          : valid.attributes.maxQuantityKg !== undefined && c.quantityKg > valid.attributes.maxQuantityKg
            ? { zh: `易制毒化学品${c.chemical}超量:${c.quantityKg}kg,许可${valid.attributes.maxQuantityKg}kg`, en: `${c.chemical} above permit: ${c.quantityKg} kg of ${valid.attributes.maxQuantityKg} kg allowed` }
            : undefined;
        if (problem) out.push({ rule: pp, subject: { kind: 'cargo', key: e.vehicle.plate, display: `${e.vehicle.plate} ${c.chemical}` }, match: { ...(valid ? { entryId: valid.entryId } : {}), exact: true, kind: 'pattern' }, ...(valid ? { entry: valid } : {}), severity: pp.severity, category: 'precursor_permit', action: 'detain', summary: problem });
      }
  }
  return out;
}
