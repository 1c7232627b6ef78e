import { eventSubjects, personSubjectKey, plateSubjectKey, type Event, type Sighting } from '../../../schemas/src';

// The wire shapes of `sightings.v1` live in schemas/ (with the AsyncAPI document); re-exported for this service.
export { SightingSchema, WatermarkTickSchema, WATERMARK_KEY, type Sighting } from '../../../schemas/src';
export const plateKey = plateSubjectKey;
export const personKey = personSubjectKey;

/** The sightings of an event: each vehicle and each person it names, with their role. */
export function sightingsOf(e: Event): Sighting[] {
  const { plates, persons } = eventSubjects(e);
  const base = { schemaVersion: 1 as const, eventId: e.eventId, type: e.type, checkpointId: e.checkpointId, occurredAt: e.occurredAt };
  const flags =
    e.type === 'inspection'
      ? { suspicious: e.findings.suspicious, plate: e.vehicle.plate, vehicleKind: e.vehicle.kind }
      : e.type === 'drug_test'
        ? { positive: e.results.some((r) => r.outcome === 'positive'), ...(e.vehicle?.plate ? { plate: e.vehicle.plate } : {}), ...(e.vehicle?.kind ? { vehicleKind: e.vehicle.kind } : {}), ...(e.relatedEventId ? { relatedEventId: e.relatedEventId } : {}) }
        : { ...(e.relatedEventId ? { relatedEventId: e.relatedEventId } : {}) };
  return [
    ...plates.map((p): Sighting => ({ ...base, ...flags, plate: p, subjectKind: 'vehicle', key: plateKey(p), role: 'vehicle' })),
    ...persons.map((p): Sighting => ({ ...base, ...flags, subjectKind: 'person', key: personKey(p.idNumber), role: p.role })),
  ];
}
