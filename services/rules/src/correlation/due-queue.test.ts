import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDueQueue } from './partition-state';

describe('due queue (obligations by deadline)', () => {
  it('gives back exactly the entries due at each watermark, earliest first, each once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 300 }), fc.array(fc.integer({ min: 0, max: 1_100 }), { minLength: 1, maxLength: 20 }), (deadlines, marks) => {
        const q = createDueQueue();
        deadlines.forEach((d, i) => q.push(d, `ob-${i}`));
        const popped: Array<{ deadlineMs: number; id: string }> = [];
        let wm = 0;
        for (const m of [...marks].sort((a, b) => a - b)) {
          wm = m;
          const batch: number[] = [];
          for (let e = q.popDue(wm); e; e = q.popDue(wm)) {
            batch.push(e.deadlineMs);
            popped.push(e);
          }
          expect(batch).toEqual([...batch].sort((a, b) => a - b));
          expect(batch.every((d) => d <= wm)).toBe(true);
        }
        const expected = deadlines.map((d, i) => ({ deadlineMs: d, id: `ob-${i}` })).filter((e) => e.deadlineMs <= wm);
        const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
        expect([...popped].sort(byId)).toEqual(expected.sort(byId));
        expect(q.size()).toBe(deadlines.length - expected.length);
      }),
    );
  });

  it('gives a deadline that is not a number at once, without holding back the others', () => {
    const q = createDueQueue();
    [30, 10, Number.NaN, 20].forEach((d, i) => q.push(d, `ob-${i}`));
    expect(q.popDue(0)?.id).toBe('ob-2');
    expect(q.popDue(0)).toBeUndefined();
    expect([q.popDue(25)?.deadlineMs, q.popDue(25)?.deadlineMs, q.popDue(25)]).toEqual([10, 20, undefined]);
  });
});
