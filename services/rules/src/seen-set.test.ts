import { describe, expect, it } from 'vitest';
import { createSeenSet } from './seen-set';

describe('seen set', () => {
  it('remembers ids within the window and forgets older ones', () => {
    const seen = createSeenSet(1_000);
    seen.add('a', 0);
    seen.add('b', 500);
    seen.prune(1_200);
    expect([seen.has('a'), seen.has('b')]).toEqual([false, true]);
  });

  it('stays within its size bound, dropping the oldest', () => {
    const seen = createSeenSet(1e9, 2);
    for (const id of ['a', 'b', 'c']) seen.add(id, 0);
    expect([seen.has('a'), seen.has('c'), seen.size()]).toEqual([false, true, 2]);
  });
});
