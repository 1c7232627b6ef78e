import { z } from 'zod';
import { CheckpointId, OffsetDateTime, eventSubjects, type Event } from '../../../schemas/src';

/**
 * One subject seen in one event, re-keyed by subject (`plate:<canonical>` / `person:<id18>`) on
 * `sightings.v1`, so every sighting of a vehicle or person lands on one partition for correlation.
 */
export const SightingSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  eventId: z.string().min(1).max(64),
  type: z.enum(['inspection', 'drug_test', 'seizure']),
  checkpointId: CheckpointId,
  occurredAt: OffsetDateTime,
  subjectKind: z.enum(['vehicle', 'person']),
  key: z.string().min(3).max(40),
  role: z.string().max(20),
  /** The vehicle a person was in (inspection, drug test), for summaries. */
  plate: z.string().max(16).optional(),
  vehicleKind: z.string().max(20).optional(),
  positive: z.boolean().optional(),
  suspicious: z.boolean().optional(),
  relatedEventId: z.string().max(64).optional(),
});
export type Sighting = z.output<typeof SightingSchema>;

/**
 * Event time carried to every partition of `sightings.v1` so a partition without traffic still sees time
 * pass (its 逢嫌必检 deadlines expire). Keyed `~watermark`, sent to each partition explicitly.
 */
export const WatermarkTickSchema = z.object({ schemaVersion: z.literal(1).default(1), watermark: OffsetDateTime });
export const WATERMARK_KEY = '~watermark';

export const plateKey = (plate: string): string => `plate:${plate}`;
export const personKey = (id18: string): string => `person:${id18}`;

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
