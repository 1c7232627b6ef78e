import { describe, expect, it } from 'vitest';
import { applyAction } from './hit-workflow';
import type { Hit } from '../../../schemas/src';

const hit = { hitId: 'h1', status: 'new', version: 1, history: [] } as unknown as Hit;
const now = new Date('2026-11-22T00:00:00Z');

describe('hit workflow', () => {
  it('moves new → acknowledged → resolved → new, bumping the version and keeping history', () => {
    const a = applyAction(hit, { action: 'acknowledge', expectedVersion: 1 }, 'cmd', now);
    const r = applyAction(a, { action: 'resolve', expectedVersion: 2, disposition: 'false_positive', note: 'plate misread' }, 'cmd', now);
    const o = applyAction(r, { action: 'reopen', expectedVersion: 3 }, 'cmd', now);
    expect([a.status, r.status, o.status]).toEqual(['acknowledged', 'resolved', 'new']);
    expect(o.version).toBe(4);
    expect(o.disposition).toBeUndefined();
    expect(o.history.map((h) => h.action)).toEqual(['acknowledge', 'resolve', 'reopen']);
  });

  it('refuses a stale version and an impossible move', () => {
    expect(() => applyAction(hit, { action: 'acknowledge', expectedVersion: 2 }, 'x', now)).toThrow(/version/);
    expect(() => applyAction(hit, { action: 'reopen', expectedVersion: 1 }, 'x', now)).toThrow(/cannot/);
  });
});
