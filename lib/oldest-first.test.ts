import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { oldestFirst } from './oldest-first';

describe('oldestFirst', () => {
  it('evicts in the order a fresh keys().next() would, across touches (delete + set), inserts and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('set', 'touch', 'delete', 'evict'), fc.integer({ min: 0, max: 30 })), { maxLength: 300 }), (ops) => {
        const a = new Map<number, number>();
        const b = new Map<number, number>();
        const evictor = oldestFirst(a);
        for (const [op, k] of ops) {
          if (op === 'set' || op === 'touch') {
            for (const m of [a, b]) {
              m.delete(k);
              m.set(k, k);
            }
          } else if (op === 'delete') {
            a.delete(k);
            b.delete(k);
          } else {
            const expected = b.keys().next();
            if (!expected.done) b.delete(expected.value);
            expect(evictor.evict()).toBe(expected.done ? undefined : expected.value);
          }
          expect([...a.keys()]).toEqual([...b.keys()]);
        }
      }),
    );
  });

  it('keeps working on a Set after it was emptied and filled again', () => {
    const s = new Set<string>(['a']);
    const e = oldestFirst(s);
    expect(e.evict()).toBe('a');
    expect(e.evict()).toBeUndefined();
    s.add('b').add('c');
    expect(e.evict()).toBe('b');
    expect([...s]).toEqual(['c']);
  });
});
