import { describe, expect, it } from 'vitest';
import { createHitStore } from './hit-store.js';

const hit = (hitId: string, version: number, extra: Record<string, unknown> = {}) => ({ hitId, version, detectedAt: '2026-11-22T06:00:00Z', status: 'new', ...extra });

describe('hit store', () => {
  it('keeps only a later version of a hit and tells listeners', () => {
    const store = createHitStore();
    const seen: Array<[string, number, boolean]> = [];
    store.subscribe((h: { hitId: string; version: number } | null, info: { isNew: boolean }) => h && seen.push([h.hitId, h.version, info.isNew]));
    expect(store.upsert(hit('h1', 2))).toBe(true);
    expect(store.upsert(hit('h1', 1))).toBe(false);
    expect(store.upsert(hit('h1', 2, { status: 'acknowledged' }))).toBe(false);
    expect(store.upsert(hit('h1', 3, { status: 'acknowledged' }))).toBe(true);
    expect(store.get('h1')).toMatchObject({ version: 3, status: 'acknowledged' });
    expect(seen).toEqual([
      ['h1', 2, true],
      ['h1', 3, false],
    ]);
  });

  it('lists newest detection first', () => {
    const store = createHitStore();
    store.upsert(hit('old', 1, { detectedAt: '2026-11-22T05:00:00Z' }));
    store.upsert(hit('new', 1, { detectedAt: '2026-11-22T07:00:00Z' }));
    expect(store.all().map((h: { hitId: string }) => h.hitId)).toEqual(['new', 'old']);
  });

  it('drops resolved hits first when full, keeping the open ones the shift works on', () => {
    const store = createHitStore({ max: 2 });
    store.upsert(hit('open-old', 1, { detectedAt: '2026-11-22T01:00:00Z' }));
    store.upsert(hit('resolved-new', 1, { detectedAt: '2026-11-22T09:00:00Z', status: 'resolved' }));
    store.upsert(hit('open-new', 1, { detectedAt: '2026-11-22T05:00:00Z' }));
    expect(store.all().map((h: { hitId: string }) => h.hitId)).toEqual(['open-new', 'open-old']);
  });
});
