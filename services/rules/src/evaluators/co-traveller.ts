import { eventSubjects } from '../../../../schemas/src';
import { listParam } from '../rule-params';
import { at, eventTime, label, personSubject, type StatelessEvaluator } from './context';

/** Everyone else in the same vehicle / seizure as a watchlisted person of the listed categories. */
export const coTraveller: StatelessEvaluator = (e, rule, ctx) => {
  if (e.type === 'drug_test') return [];
  const categories = listParam(rule, 'categories', ['fugitive', 'prior_trafficking']);
  const when = eventTime(e);
  const persons = eventSubjects(e).persons;
  const where = e.type === 'inspection' ? e.vehicle.plate : (e.vehicles[0]?.plate ?? '');
  return persons.flatMap((anchor) =>
    ctx.watchlist
      .matchPerson(anchor.idNumber, when)
      .filter((entry) => categories.includes(entry.category))
      .flatMap((entry) =>
        persons
          .filter((other) => other.idNumber !== anchor.idNumber)
          .map((other) => ({
            rule,
            subject: personSubject(other.idNumber),
            match: { entryId: entry.entryId, exact: true, kind: 'pattern' as const },
            entry,
            severity: rule.severity,
            category: 'co_traveller',
            action: 'question' as const,
            summary: { zh: `与${label(entry.category).zh}同行${where ? `(${where})` : ''}`, en: `travelling with a ${label(entry.category).en}${where ? ` in ${where}` : ''}` },
            ...at(e),
          })),
      ),
  );
};
