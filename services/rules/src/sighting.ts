import type { Message } from 'kafkajs';
import { eventSubjects, personSubjectKey, plateSubjectKey, SIGHTING_PACK_KEY, type Event, type Sighting } from '../../../schemas/src';

// The wire shapes of `sightings.v1` live in schemas/ (with the AsyncAPI document); re-exported for this service.
export { SightingPackSchema, SightingSchema, SIGHTING_PACK_KEY, WatermarkTickSchema, WATERMARK_KEY, type Sighting } from '../../../schemas/src';
export const plateKey = plateSubjectKey;
export const personKey = personSubjectKey;

/**
 * One sighting, every field in one literal and in one order: an object spread (`{ ...base, ...flags }`) costs ~1.5 µs
 * in V8 (measured: 13 µs an inspection's three sightings, against 0.3 µs as literals), and the judge stage makes
 * three or more per event. Optional fields left undefined are not written by JSON.stringify.
 */
function sighting(
  e: Event,
  subjectKind: Sighting['subjectKind'],
  key: string,
  role: string,
  plate: string | undefined,
  vehicleKind: string | undefined,
  positive: boolean | undefined,
  suspicious: boolean | undefined,
  relatedEventId: string | undefined,
): Sighting {
  return { schemaVersion: 1, eventId: e.eventId, type: e.type, checkpointId: e.checkpointId, occurredAt: e.occurredAt, subjectKind, key, role, plate, vehicleKind, positive, suspicious, relatedEventId };
}

/** The sightings of an event: each vehicle and each person it names, with their role. */
export function sightingsOf(e: Event): Sighting[] {
  const { plates, persons } = eventSubjects(e);
  let plate: string | undefined;
  let vehicleKind: string | undefined;
  let positive: boolean | undefined;
  let suspicious: boolean | undefined;
  let relatedEventId: string | undefined;
  if (e.type === 'inspection') {
    suspicious = e.findings.suspicious;
    plate = e.vehicle.plate;
    vehicleKind = e.vehicle.kind;
  } else if (e.type === 'drug_test') {
    positive = false;
    for (const r of e.results) if (r.outcome === 'positive') positive = true;
    plate = e.vehicle?.plate || undefined;
    vehicleKind = e.vehicle?.kind || undefined;
    relatedEventId = e.relatedEventId || undefined;
  } else relatedEventId = e.relatedEventId || undefined;
  // Plain loops (a closure per event costs a defineProperty under tsx's keepNames).
  const out: Sighting[] = [];
  for (const p of plates) out.push(sighting(e, 'vehicle', plateKey(p), 'vehicle', p, vehicleKind, positive, suspicious, relatedEventId));
  for (const p of persons) out.push(sighting(e, 'person', personKey(p.idNumber), p.role, plate, vehicleKind, positive, suspicious, relatedEventId));
  return out;
}

const KEY_BYTES = Buffer.alloc(256);

/**
 * Kafka's murmur2 of a key's UTF-8 bytes (the Java client's, and kafkajs' DefaultPartitioner's), in 32-bit integer
 * arithmetic: kafkajs computes it with 64-bit Long objects, which cost the judge stage more than its packing.
 */
export function murmur2(key: string): number {
  // Encoded into one reused buffer (no allocation per key); a key longer than it gets its own.
  const data = key.length * 3 <= KEY_BYTES.length ? KEY_BYTES : Buffer.from(key, 'utf8');
  const length = data === KEY_BYTES ? KEY_BYTES.write(key, 0, 'utf8') : data.length;
  const M = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes (the Java client's switch, falling through).
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition kafkajs' default partitioner gives a record keyed `key` on a topic of `n` partitions. */
export const partitionOfKey = (key: string, n: number): number => (murmur2(key) & 0x7fffffff) % n;

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
