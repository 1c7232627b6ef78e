import { eventSubjects } from '../../../../schemas/src';
import { lowerSeverity } from '../hit-builder';
import { boolParam, numParam } from '../rule-params';
import { at, eventTime, label, vehicleSubject, type StatelessEvaluator } from './context';

/**
 * Every plate an event names against the vehicle watchlist: exact, then (bounded, ranked) OCR look-alike,
 * province misread and ±1 character candidates. A fuzzy match is a weaker lead: one severity lower, and the
 * officer is asked to verify discreetly rather than act.
 */
export const watchlistVehicle: StatelessEvaluator = (e, rule, ctx) => {
  const fuzzy = boolParam(rule, 'fuzzy', true);
  const limit = Math.max(1, Math.min(20, numParam(rule, 'maxFuzzyMatches', 3)));
  const minScore = numParam(rule, 'minFuzzyScore', 0);
  const when = eventTime(e);
  return eventSubjects(e).plates.flatMap((plate) =>
    ctx.watchlist
      .matchVehicle(plate, when, { fuzzy, limit })
      .filter((m) => m.entry.kind === 'vehicle' && (m.exact || m.score >= minScore))
      .map((m) => {
        const cat = label(m.entry.category);
        return {
          rule,
          subject: vehicleSubject(plate),
          match: m.exact
            ? { entryId: m.entry.entryId, exact: true, kind: 'exact' as const }
            : { entryId: m.entry.entryId, exact: false, kind: m.kind, differences: { positions: m.differences.positions, description: m.differences.description } },
          entry: m.entry,
          severity: m.exact ? m.entry.severity : lowerSeverity(m.entry.severity),
          category: m.entry.category,
          action: m.exact ? m.entry.action : ('covert_check' as const),
          summary: m.exact
            ? { zh: `${cat.zh}${plate}比中布控:${m.entry.reason}`, en: `${cat.en} ${plate} on the watchlist: ${m.entry.reason}` }
            : { zh: `号牌${plate}疑似布控车辆${m.entry.key}(${m.differences.description.zh}),请核实`, en: `plate ${plate} may be listed vehicle ${m.entry.key} (${m.differences.description.en}); verify` },
          ...at(e),
        };
      }),
  );
};
