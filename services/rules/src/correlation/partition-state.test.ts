import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertSighting, sightingsBetween, type KeyState, type StoredSighting } from './partition-state';

const sighting = (eventId: string, ms: number, role = 'driver'): StoredSighting =>
  ({ eventId, ms, role, occurredAt: new Date(ms).toISOString(), checkpointId: 'CP-1', type: 'inspection', subjectKind: 'vehicle', key: 'k' }) as unknown as StoredSighting;

/** Events e0…e40 (the time of each fixed by its id, many ties across events), some sent twice, some as two roles. */
const feed = fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), shift: fc.boolean(), role: fc.constantFrom('driver', 'passenger') }), { maxLength: 120 });

describe('partition state: a subject history', () => {
  it('keeps sightings in event-time order and each (event, role) once, whatever time a copy carries', () => {
    fc.assert(
      fc.property(feed, (xs) => {
        const ks: KeyState = { key: 'k', sightings: [] };
        const model: StoredSighting[] = [];
        for (const x of xs) {
          // Mostly at the event's own time, sometimes re-sent with another (a corrected clock): still the same event.
          const s = sighting(`e${x.id}`, (x.id % 5) * 10 + (x.shift ? 7 : 0), x.role);
          const fresh = !model.some((m) => m.eventId === s.eventId && m.role === s.role);
          expect(insertSighting(ks, s)).toBe(fresh);
          if (fresh) model.push(s);
        }
        const ms = ks.sightings.map((s) => s.ms);
        expect(ms).toEqual([...ms].sort((a, b) => a - b));
        expect(ks.sightings.length).toBe(model.length);
      }),
    );
  });

  it('finds the sightings of a time range exactly as filtering the whole history does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 80 }), fc.integer({ min: -5, max: 55 }), fc.integer({ min: -5, max: 55 }), (times, a, b) => {
        const ks: KeyState = { key: 'k', sightings: [] };
        times.forEach((t, i) => insertSighting(ks, sighting(`e${i}`, t)));
        expect(sightingsBetween(ks.sightings, a, b)).toEqual(ks.sightings.filter((x) => x.ms >= a && x.ms <= b));
      }),
    );
  });
});
