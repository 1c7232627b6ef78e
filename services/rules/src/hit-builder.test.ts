import { describe, expect, it } from 'vitest';
import { applyDraft, draftHitId, hitIdFor, type HitDraft } from './hit-builder';
import { defaultRule, entry, registry, residentId } from './fixtures';

const rule = defaultRule('watchlist_person');
const listed = entry({ kind: 'person', key: residentId(80), ownerJurisdiction: '530600', severity: 'critical' });
const draft = (eventId: string, occurredAt: string, o: Partial<HitDraft> = {}): HitDraft => ({
  rule,
  subject: { kind: 'person', key: listed.key, display: 'x' },
  match: { entryId: listed.entryId, exact: true, kind: 'exact' },
  entry: listed,
  severity: 'critical',
  category: 'fugitive',
  action: 'detain',
  summary: { zh: '在逃', en: 'fugitive' },
  checkpointId: 'CP-140882-G5-01',
  occurredAt,
  evidence: [{ eventId, type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt }],
  ...o,
});
const now = new Date('2026-11-22T12:00:00Z');

describe('hit ids and updates', () => {
  it('gives the same id to the same rule, subject and checkpoint inside one cool-down bucket, and another id outside it', () => {
    const a = hitIdFor('r', 'person:1', 'CP-1', '2026-11-22T10:05:00+08:00', 60);
    expect(hitIdFor('r', 'person:1', 'CP-1', '2026-11-22T10:55:00+08:00', 60)).toBe(a);
    expect(hitIdFor('r', 'person:1', 'CP-1', '2026-11-22T11:05:00+08:00', 60)).not.toBe(a);
    expect(hitIdFor('r', 'person:1', 'CP-2', '2026-11-22T10:05:00+08:00', 60)).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('routes a new hit to the checkpoint chain and the entry owner chain', () => {
    const hit = applyDraft(draft('e1', '2026-11-22T10:05:00+08:00'), undefined, registry, now)!;
    expect(hit).toMatchObject({ hitId: draftHitId(draft('e1', '2026-11-22T10:05:00+08:00')), version: 1, status: 'new' });
    expect(hit.jurisdictions.sort()).toEqual(['140000', '140800', '140882', '530000', '530600'].sort());
  });

  it('updates with version + 1 and the evidence appended, and reports nothing new for evidence it already has', () => {
    const v1 = applyDraft(draft('e1', '2026-11-22T10:05:00+08:00'), undefined, registry, now)!;
    const v2 = applyDraft(draft('e2', '2026-11-22T10:25:00+08:00'), v1, registry, now)!;
    expect(v2).toMatchObject({ hitId: v1.hitId, version: 2, occurredAt: v1.occurredAt });
    expect(v2.evidence.map((e) => e.eventId)).toEqual(['e1', 'e2']);
    expect(v2.history.map((h) => h.action)).toEqual(['raised', 'updated']);
    expect(applyDraft(draft('e2', '2026-11-22T10:25:00+08:00'), v2, registry, now)).toBeUndefined();
  });

  it('keeps an exact match over a later fuzzy one, and takes an exact one over an earlier fuzzy one', () => {
    const fuzzy = { entryId: listed.entryId, exact: false, kind: 'lookalike' as const };
    const v1 = applyDraft(draft('e1', '2026-11-22T10:05:00+08:00', { match: fuzzy }), undefined, registry, now)!;
    const v2 = applyDraft(draft('e2', '2026-11-22T10:06:00+08:00'), v1, registry, now)!;
    expect(v2.match.exact).toBe(true);
    expect(applyDraft(draft('e3', '2026-11-22T10:07:00+08:00', { match: fuzzy }), v2, registry, now)!.match.exact).toBe(true);
  });
});
