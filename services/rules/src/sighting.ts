import { Partitioners, type Message } from 'kafkajs';
import { eventSubjects, personSubjectKey, plateSubjectKey, SIGHTING_PACK_KEY, type Event, type Sighting } from '../../../schemas/src';

// The wire shapes of `sightings.v1` live in schemas/ (with the AsyncAPI document); re-exported for this service.
export { SightingPackSchema, SightingSchema, SIGHTING_PACK_KEY, WatermarkTickSchema, WATERMARK_KEY, type Sighting } from '../../../schemas/src';
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

const partitioner = Partitioners.DefaultPartitioner();
const metadata = new Map<number, Array<{ partitionId: number; leader: number }>>();
/** The partition kafkajs' default partitioner gives a record keyed `key` on a topic of `n` partitions. */
export function partitionOfKey(key: string, n: number): number {
  let m = metadata.get(n);
  if (!m) metadata.set(n, (m = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0 }))));
  return partitioner({ topic: '', partitionMetadata: m as never, message: { key, value: null } });
}

/** At most this many sightings in one pack (≈ 350 bytes each: well under the broker's 1 MB record limit). */
export const MAX_PACK = 1_000;

/** Sightings as `sightings.v1` records: one pack per partition they belong to (split past MAX_PACK). */
export function packSightings(sightings: readonly Sighting[], partitions: number): Message[] {
  const byPartition = new Map<number, Sighting[]>();
  for (const s of sightings) {
    const p = partitionOfKey(s.key, partitions);
    const list = byPartition.get(p);
    if (list) list.push(s);
    else byPartition.set(p, [s]);
  }
  const out: Message[] = [];
  for (const [partition, list] of byPartition)
    for (let i = 0; i < list.length; i += MAX_PACK) out.push({ partition, key: SIGHTING_PACK_KEY, value: JSON.stringify({ schemaVersion: 1, sightings: list.slice(i, i + MAX_PACK) }) });
  return out;
}
