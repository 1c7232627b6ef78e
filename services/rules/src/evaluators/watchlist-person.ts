import { eventSubjects } from '../../../../schemas/src';
import { listParam } from '../rule-params';
import { at, entryMatch, eventTime, label, personSubject, roleLabel, type StatelessEvaluator } from './context';

// Categories that are a hit only under their own rule's condition (driving; out of area or positive).
const CONDITIONAL = ['revoked_licence', 'community_treatment'];

/** Every person an event names (driver, passengers, test subject, seizure persons) against the person watchlist. */
export const watchlistPerson: StatelessEvaluator = (e, rule, ctx) => {
  const skip = listParam(rule, 'excludeCategories', CONDITIONAL);
  const when = eventTime(e);
  return eventSubjects(e).persons.flatMap((p) =>
    ctx.watchlist
      .matchPerson(p.idNumber, when)
      .filter((entry) => entry.kind === 'person' && !skip.includes(entry.category))
      .map((entry) => {
        const cat = label(entry.category);
        const role = roleLabel(p.role);
        return {
          rule,
          subject: personSubject(p.idNumber),
          match: entryMatch(entry),
          entry,
          severity: entry.severity,
          category: entry.category,
          action: entry.action,
          summary: { zh: `${cat.zh}(${role.zh})比中布控:${entry.reason}`, en: `${cat.en} (${role.en}) on the watchlist: ${entry.reason}` },
          ...at(e),
        };
      }),
  );
};
