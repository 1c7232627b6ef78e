import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HitState } from './hit-merge';
import { createHeldHits } from './held-hits';

const stateOf = (id: string, n: number) => ({ merged: { hitId: id, version: n } }) as unknown as HitState;

describe('held hits: the console hit store within its look-back', () => {
  const step = fc.oneof(
    fc.record({ put: fc.integer({ min: 0, max: 15 }), at: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ expireBefore: fc.integer({ min: 0, max: 100 }) }),
  );

  it('keeps hits in the order they were last recorded and forgets the least recent ones behind the cutoff, telling each one', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const forgotten: string[] = [];
        const held = createHeldHits({ onForget: (id) => forgotten.push(id) });
        /** The model: ids with their last record time, least recently recorded first. */
        let model: { id: string; at: number; n: number }[] = [];
        steps.forEach((x, n) => {
          if ('put' in x) {
            const id = `h${x.put}`;
            held.put(id, stateOf(id, n), x.at);
            model = [...model.filter((m) => m.id !== id), { id, at: x.at, n }];
          } else {
            const first = model.findIndex((m) => m.at >= x.expireBefore);
            const due = first === -1 ? model : model.slice(0, first);
            expect(held.expire(x.expireBefore)).toEqual(due.map((m) => m.id));
            expect(forgotten.splice(0)).toEqual(due.map((m) => m.id));
            model = model.slice(due.length);
          }
          expect(forgotten).toEqual([]);
          expect(held.size).toBe(model.length);
        });
        expect([...held.values()].map((s) => s.merged.hitId)).toEqual(model.map((m) => m.id));
        for (const m of model) expect(held.get(m.id)).toEqual(stateOf(m.id, m.n));
      }),
    );
  });
});
