import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSighting, dropOldest, insertSighting, keyState, newPartitionState, sightingsBetween, type KeyState, type StoredSighting } from './partition-state';

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

  it('knows a duplicate from what the history still holds after its oldest are dropped (long histories are indexed by event id)', () => {
    const steps = fc.array(fc.oneof(fc.record({ id: fc.integer({ min: 0, max: 60 }), role: fc.constantFrom('driver', 'passenger') }), fc.integer({ min: 1, max: 20 })), { maxLength: 300 });
    fc.assert(
      fc.property(steps, (xs) => {
        const state = newPartitionState();
        const ks: KeyState = { key: 'k', sightings: [] };
        for (const x of xs) {
          if (typeof x === 'number') {
            const before = ks.sightings.slice(x);
            dropOldest(state, ks, x);
            expect(ks.sightings).toEqual(before);
            continue;
          }
          const s = sighting(`e${x.id}`, x.id * 10, x.role);
          const fresh = !ks.sightings.some((m) => m.eventId === s.eventId && m.role === s.role);
          expect(insertSighting(ks, s)).toBe(fresh);
        }
        if (ks.ids) expect(Object.fromEntries(ks.ids)).toEqual(ks.sightings.reduce<Record<string, number>>((c, x) => ({ ...c, [x.eventId]: (c[x.eventId] ?? 0) + 1 }), {}));
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

describe('partition state: memory bounds counted in sightings', () => {
  // Some event ids repeat (a duplicate is refused); per-subject bounds past 16 reach the id-indexed histories.
  const ops = fc.array(fc.record({ key: fc.integer({ min: 0, max: 6 }), ms: fc.integer({ min: 0, max: 1_000 }), again: fc.boolean() }), { maxLength: 200 });
  const limits = fc.record({ maxKeys: fc.integer({ min: 1, max: 8 }), maxSightings: fc.integer({ min: 1, max: 60 }), maxSightingsPerKey: fc.integer({ min: 1, max: 24 }) });

  it('holds at most the bounds, counts exactly what it holds, and keeps each subject its most recent sightings', () => {
    fc.assert(
      fc.property(limits, ops, (lim, xs) => {
        const state = newPartitionState(lim);
        /** Per subject, the times of every sighting added since the subject was last (re)made. */
        const model = new Map<string, number[]>();
        const lastId = new Map<string, { id: string; ms: number }>();
        let added = 0;
        xs.forEach((x, i) => {
          const key = `k${x.key}`;
          if (!state.keys.has(key)) model.set(key, []);
          // Sometimes the subject's previous event again (a replay overlap): refused while it is held.
          const prev = x.again ? lastId.get(key) : undefined;
          const s = { ...sighting(prev?.id ?? `e${i}`, prev?.ms ?? x.ms), key };
          const ks = keyState(state, key);
          const dup = ks.sightings.some((h) => h.eventId === s.eventId && h.role === s.role);
          const result = addSighting(state, ks, s);
          // True exactly when it is new and still held (a late one older than a full history is trimmed at once).
          expect(result).toBe(!dup && ks.sightings.includes(s));
          lastId.set(key, { id: s.eventId, ms: s.ms });
          if (!dup) {
            model.get(key)!.push(s.ms);
            added++;
          }
          for (const k of model.keys()) if (!state.keys.has(k)) model.delete(k);

          const lists = [...state.keys.values()].map((k) => k.sightings);
          expect(state.sightings).toBe(lists.reduce((n, l) => n + l.length, 0));
          expect(state.keys.size).toBeLessThanOrEqual(lim.maxKeys);
          // Over the total only while the subject just seen holds more by itself (it is not forgotten for its own sighting).
          if (state.keys.size > 1) expect(state.sightings).toBeLessThanOrEqual(lim.maxSightings);
        });
        for (const [key, times] of model) {
          // A subject keeps its latest sightings by event time, up to its bound: the oldest are the ones trimmed.
          const latest = [...times].sort((a, b) => a - b).slice(-lim.maxSightingsPerKey);
          expect(state.keys.get(key)!.sightings.map((x) => x.ms)).toEqual(latest);
        }
        const forgotten = added - state.sightings - state.trimmed;
        expect(forgotten).toBeGreaterThanOrEqual(0);
        if (forgotten > 0) expect(state.evicted).toBeGreaterThan(0);
      }),
    );
  });
});
