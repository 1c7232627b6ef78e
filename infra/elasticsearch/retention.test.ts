import { describe, expect, it } from 'vitest';
import { expiredIndices } from './retention';
import { indexFor } from './templates';

describe('monthly indices and retention', () => {
  it('choose the monthly index by event time', () => {
    expect(indexFor('p-', 'events', '2026-11-22T14:03:11.250+08:00')).toBe('p-events-2026.11');
    expect(indexFor('', 'hits', '2026-12-01T05:00:00+08:00')).toBe('hits-2026.11');
    expect(() => indexFor('', 'events', 'yesterday')).toThrow(RangeError);
  });

  it('expire a month only when all of it is older than the retention age', () => {
    const now = Date.parse('2026-11-23T00:00:00Z');
    const names = ['p-events-2026.08', 'p-events-2026.09', 'p-events-2026.10', 'p-hits-2026.08', 'p-audit-2026.08', 'q-events-2020.01', 'p-events-backup'];
    expect(expiredIndices(names, 'p-', ['events', 'hits'], 60, now)).toEqual(['p-events-2026.08', 'p-hits-2026.08']);
    expect(expiredIndices(names, 'p-', ['audit'], 60, now)).toEqual(['p-audit-2026.08']);
    expect(expiredIndices(names, 'p-', ['events'], 365, now)).toEqual([]);
  });
});
