import { eventSubjects, isWithinJurisdiction } from '../../../../schemas/src';
import { at, entryMatch, eventTime, personSubject, type StatelessEvaluator } from './context';

/**
 * A person under community treatment (社区戒毒/康复) seen outside the area they must stay in (the checkpoint's
 * jurisdiction is not within the entry's `areaJurisdiction`), or testing positive anywhere.
 */
export const communityTreatment: StatelessEvaluator = (e, rule, ctx) => {
  const cpJur = ctx.registry.jurisdictionOf(e.checkpointId);
  const positive = e.type === 'drug_test' && e.results.some((r) => r.outcome === 'positive');
  return eventSubjects(e).persons.flatMap((p) =>
    ctx.watchlist
      .matchPerson(p.idNumber, eventTime(e))
      .filter((entry) => entry.category === 'community_treatment')
      .flatMap((entry) => {
        const area = entry.attributes.areaJurisdiction;
        const outOfArea = area !== undefined && cpJur !== undefined && !isWithinJurisdiction(cpJur, area);
        const tested = positive && p.role === 'subject';
        if (!outOfArea && !tested) return [];
        const zh = [outOfArea ? `离开管控区域(${area})` : '', tested ? '毒检阳性' : ''].filter(Boolean).join(',');
        const en = [outOfArea ? `outside their area (${area})` : '', tested ? 'tested positive' : ''].filter(Boolean).join(' and ');
        return [
          {
            rule,
            subject: personSubject(p.idNumber),
            match: entryMatch(entry),
            entry,
            severity: rule.severity,
            category: 'community_treatment',
            action: tested ? ('detain' as const) : ('question' as const),
            summary: { zh: `社区戒毒/康复人员${zh}`, en: `person under community treatment ${en}` },
            ...at(e),
          },
        ];
      }),
  );
};
