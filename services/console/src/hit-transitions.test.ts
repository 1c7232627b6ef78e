import { describe, expect, it } from 'vitest';
import { applyAction, applyEscalation, checkVersion, needsEscalation, nextEscalationLevel } from './hit-transitions';
import { sampleHit } from './sample-hit';

const now = new Date('2026-11-22T06:05:00.000Z');

describe('hit workflow transitions', () => {
  it('moves new → acknowledged → assigned → resolved → reopened, one version and one history entry per step', () => {
    const h0 = sampleHit();
    const h1 = applyAction(h0, { action: 'acknowledge', expectedVersion: 1 }, 'cmd', now);
    const h2 = applyAction(h1, { action: 'assign', expectedVersion: 2, assignee: 'squad-3' }, 'cmd', now);
    const h3 = applyAction(h2, { action: 'resolve', expectedVersion: 3, disposition: 'confirmed', note: 'detained' }, 'cmd', now);
    const h4 = applyAction(h3, { action: 'reopen', expectedVersion: 4 }, 'cmd', now);
    expect([h1.status, h2.status, h3.status, h4.status]).toEqual(['acknowledged', 'assigned', 'resolved', 'assigned']);
    expect(h3.disposition).toBe('confirmed');
    expect(h4.disposition).toBeUndefined();
    expect(h4.version).toBe(5);
    expect(h4.history.map((h) => [h.action, h.version])).toEqual([['raised', 1], ['acknowledge', 2], ['assign', 3], ['resolve', 4], ['reopen', 5]]);
    expect(h3.history.at(-1)!.note).toBe('detained');
  });

  it('refuses moves the status does not allow with invalid_transition', () => {
    const h = sampleHit();
    expect(() => applyAction(h, { action: 'reopen', expectedVersion: 1 }, 'x', now)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    const acked = applyAction(h, { action: 'acknowledge', expectedVersion: 1 }, 'x', now);
    expect(() => applyAction(acked, { action: 'acknowledge', expectedVersion: 2 }, 'x', now)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
  });

  it('refuses a stale expected version with version_conflict and the current version', () => {
    expect(() => checkVersion(sampleHit({ version: 3 }), 2)).toThrow(expect.objectContaining({ code: 'version_conflict', extra: { currentVersion: 3 } }));
    expect(() => checkVersion(sampleHit({ version: 3 }), 3)).not.toThrow();
  });

  it('escalates only critical hits still new after the deadline, once', () => {
    const detected = Date.parse('2026-11-22T06:03:12.000Z');
    const h = sampleHit();
    expect(needsEscalation(h, detected + 9 * 60_000, 10 * 60_000)).toBe(false);
    expect(needsEscalation(h, detected + 10 * 60_000, 10 * 60_000)).toBe(true);
    expect(needsEscalation(sampleHit({ severity: 'high' }), detected + 3_600_000, 10 * 60_000)).toBe(false);
    expect(needsEscalation(applyAction(h, { action: 'acknowledge', expectedVersion: 1 }, 'x', now), detected + 3_600_000, 600_000)).toBe(false);
    const escalated = applyEscalation(h, '000000', 600_000, 'system', now);
    expect(needsEscalation(escalated, detected + 3_600_000, 600_000)).toBe(false);
    expect(escalated.jurisdictions).toContain('000000');
    expect(escalated.history.at(-1)).toMatchObject({ action: 'escalate', version: 2 });
  });

  it('escalates to the first level of the checkpoint chain the hit is not routed to, else nationally', () => {
    expect(nextEscalationLevel(sampleHit({ jurisdictions: ['140882'] }), '140882')).toBe('140800');
    expect(nextEscalationLevel(sampleHit({ jurisdictions: ['140882', '140800'] }), '140882')).toBe('140000');
    expect(nextEscalationLevel(sampleHit({ jurisdictions: ['140882', '140800', '140000'] }), '140882')).toBe('000000');
    expect(nextEscalationLevel(sampleHit({ jurisdictions: ['140882', '140800', '140000', '000000'] }), '140882')).toBeUndefined();
  });
});
