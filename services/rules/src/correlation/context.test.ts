import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualifyingWindow } from './context';
import type { StoredSighting } from './partition-state';

/** The definition, written the slow obvious way: every start's whole window, earliest qualifying first. */
function reference(candidates: StoredSighting[], s: StoredSighting, windowMs: number, need: number, keyOf: (x: StoredSighting) => string) {
  for (const start of candidates) {
    if (start.ms > s.ms) break;
    if (start.ms < s.ms - windowMs) continue;
    const win = candidates.filter((x) => x.ms >= start.ms && x.ms <= start.ms + windowMs);
    if (new Set(win.map(keyOf)).size >= need) return win;
  }
  return undefined;
}

const sighting = (ms: number, checkpointId: string, i: number) => ({ ms, checkpointId, eventId: `e${i}` }) as unknown as StoredSighting;

describe('qualifyingWindow', () => {
  it('finds the same window as checking every start (ties, gaps, repeats)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom('A', 'B', 'C', 'D')), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 39 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (raw, pick, windowMs, need) => {
          const list = raw.map(([ms, cp], i) => sighting(ms, cp, i)).sort((a, b) => a.ms - b.ms);
          const s = list[pick % list.length]!;
          const got = qualifyingWindow(list, s, windowMs, need, (x) => x.checkpointId);
          const want = reference(list, s, windowMs, need, (x) => x.checkpointId);
          expect(got?.map((x) => x.eventId)).toEqual(want?.map((x) => x.eventId));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stays linear for a vehicle sighted many times in the window', () => {
    const list = Array.from({ length: 20_000 }, (_, i) => sighting(i, 'A', i));
    list.push(sighting(20_000, 'B', 20_000));
    // Two checkpoints needed, one window: found from the last start that still reaches B.
    const win = qualifyingWindow(list, list[list.length - 1]!, 100, 2, (x) => x.checkpointId);
    expect(win?.[0]?.ms).toBe(19_900);
    expect(win?.length).toBe(101);
  });
});
