import type { Event } from '../../../../schemas/src';
import { at, entryMatch, eventTime, personSubject, type StatelessEvaluator } from './context';

const driversOf = (e: Event): Array<{ idNumber: string; plate?: string }> =>
  e.type === 'inspection' ? [{ idNumber: e.driver.idNumber, plate: e.vehicle.plate }] : e.type === 'seizure' ? e.persons.filter((p) => p.role === 'driver').map((p) => ({ idNumber: p.idNumber, ...(e.vehicles[0] ? { plate: e.vehicles[0].plate } : {}) })) : [];

/** A person whose licence was revoked for drug use found at the wheel (a passenger is not a hit). */
export const revokedLicenceDriving: StatelessEvaluator = (e, rule, ctx) =>
  driversOf(e).flatMap((d) =>
    ctx.watchlist
      .matchPerson(d.idNumber, eventTime(e))
      .filter((entry) => entry.category === 'revoked_licence')
      .map((entry) => ({
        rule,
        subject: personSubject(d.idNumber),
        match: entryMatch(entry),
        entry,
        severity: rule.severity,
        category: 'revoked_licence',
        action: 'detain' as const,
        summary: { zh: `注销驾驶证人员驾驶${d.plate ?? '车辆'}`, en: `driving ${d.plate ?? 'a vehicle'} with a licence revoked for drug use` },
        ...at(e),
      })),
  );
