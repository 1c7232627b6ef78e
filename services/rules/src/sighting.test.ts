import { describe, expect, it } from 'vitest';
import { drugTestEvent, inspectionEvent, residentId, seizureEvent } from './fixtures';
import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { MAX_PACK, packSightings, partitionOfKey, SIGHTING_PACK_KEY, SightingPackSchema, SightingSchema, sightingsOf, type Sighting } from './sighting';

describe('sightings of an event', () => {
  it('keys an inspection by its plate and each person, carrying the suspicious flag', () => {
    const e = inspectionEvent({ driver: { idNumber: residentId(1) }, passengers: [{ idNumber: residentId(2) }], findings: { suspicious: true, indicators: [], note: '' } });
    const s = sightingsOf(e);
    expect(s.map((x) => [x.key, x.role])).toEqual([['plate:晋C12345', 'vehicle'], [`person:${residentId(1)}`, 'driver'], [`person:${residentId(2)}`, 'passenger']]);
    expect(s.every((x) => x.suspicious === true && x.eventId === e.eventId)).toBe(true);
    for (const x of s) expect(SightingSchema.parse(JSON.parse(JSON.stringify(x)))).toEqual(x);
  });

  it('marks a positive drug test and links it to its inspection; keys every seized vehicle and person', () => {
    const t = sightingsOf(drugTestEvent({ relatedEventId: 'insp-00000001', results: [{ substance: 'heroin', outcome: 'positive' }] }));
    expect(t).toMatchObject([{ subjectKind: 'person', role: 'subject', positive: true, relatedEventId: 'insp-00000001' }]);
    const z = sightingsOf(seizureEvent({ vehicles: [{ plate: '晋C12345' }, { plate: '晋D7H2K9' }] }));
    expect(z.map((x) => x.key)).toEqual(['plate:晋C12345', 'plate:晋D7H2K9', `person:140882199007051231`]);
  });
});

describe('partition of a subject key', () => {
  it('is kafkajs’ default partitioner’s for any key (every length mod 4, any UTF-8) and partition count', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(1, 3, 6, 12, 64, 1000), (key, n) => {
        const meta = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 1 }));
        expect(partitionOfKey(key, n)).toBe(partitioner({ topic: 't', partitionMetadata: meta as never, message: { key, value: null } }));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 200) * 10 },
    );
  });
});

describe('sighting packs', () => {
  const many = (n: number): Sighting[] =>
    Array.from({ length: n }, (_, i) => sightingsOf(inspectionEvent({ eventId: `evt-${String(i).padStart(8, '0')}`, driver: { idNumber: residentId(i % 90 + 1) } }))).flat();

  it('puts each sighting on the partition kafkajs would give a record keyed by its subject, one pack per partition', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const meta = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1 }));
    const sightings = many(40);
    for (const s of sightings) expect(partitionOfKey(s.key, 6)).toBe(partitioner({ topic: 't', partitionMetadata: meta as never, message: { key: s.key, value: null } }));
    const packs = packSightings(sightings, 6);
    expect(new Set(packs.map((m) => m.partition)).size).toBe(packs.length);
    const unpacked = packs.flatMap((m) => {
      expect(m.key).toBe(SIGHTING_PACK_KEY);
      const pack = SightingPackSchema.parse(JSON.parse(String(m.value)));
      for (const s of pack.sightings) expect(partitionOfKey(s.key, 6)).toBe(m.partition);
      return pack.sightings;
    });
    // Nothing lost or added, and each partition keeps the sightings' order.
    expect([...unpacked].sort((a, b) => (a.eventId + a.key < b.eventId + b.key ? -1 : 1))).toEqual([...sightings].sort((a, b) => (a.eventId + a.key < b.eventId + b.key ? -1 : 1)));
    for (const m of packs) {
      const mine = sightings.filter((s) => partitionOfKey(s.key, 6) === m.partition);
      expect(SightingPackSchema.parse(JSON.parse(String(m.value))).sightings).toEqual(mine);
    }
  });

  it('splits a partition\'s sightings past MAX_PACK and writes nothing for no sightings', () => {
    const sightings = many(MAX_PACK).filter((s) => s.subjectKind === 'vehicle');
    const packs = packSightings(sightings, 1);
    expect(packs.map((m) => SightingPackSchema.parse(JSON.parse(String(m.value))).sightings.length)).toEqual([MAX_PACK]);
    expect(packSightings([...sightings, ...sightings.slice(0, 3)], 1).map((m) => SightingPackSchema.parse(JSON.parse(String(m.value))).sightings.length)).toEqual([MAX_PACK, 3]);
    expect(packSightings([], 6)).toEqual([]);
  });
});
