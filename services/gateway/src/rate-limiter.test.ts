import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter';

describe('rate limiter', () => {
  it('allows a burst, then asks the caller to wait, and refills over time', () => {
    let now = 0;
    const l = createRateLimiter({ ratePerSec: 10, burst: 5, now: () => now });
    for (let i = 0; i < 5; i++) expect(l.take('t1')).toBe(0);
    expect(l.take('t1')).toBeGreaterThan(0);
    expect(l.take('t2')).toBe(0);
    now += 500;
    expect(l.take('t1', 5)).toBe(0);
  });
});
