import { describe, expect, it } from 'vitest';
import { applyRulesRecord, applyUpdateRecord, type HitState } from './hit-merge';
import { applyAction } from './hit-transitions';
import { sampleHit } from './sample-hit';

const now = new Date('2026-11-22T06:05:00.000Z');
const raised = sampleHit();
const repeat = (version: number, eventId: string) =>
  sampleHit({ version, evidence: [...raised.evidence, { eventId, type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T14:20:00+08:00' }], history: [...raised.history, { at: '2026-11-22T06:20:00.000Z', by: 'rules', action: 'updated', version }] });

function fold(records: Array<['h', ReturnType<typeof sampleHit>] | ['u', ReturnType<typeof sampleHit>, number]>): { state: HitState | undefined; outcomes: string[] } {
  let state: HitState | undefined;
  const outcomes: string[] = [];
  for (const r of records) {
    const res = r[0] === 'h' ? applyRulesRecord(state, r[1]) : applyUpdateRecord(state, r[1], 'action', r[2]);
    state = res.state;
    outcomes.push(res.outcome);
  }
  return { state, outcomes };
}

describe('folding rules records and workflow records into one hit', () => {
  it('keeps an acknowledgement when the rules service later adds evidence to the same hit', () => {
    const acked = applyAction(raised, { action: 'acknowledge', expectedVersion: 1 }, 'cmd', now);
    const { state } = fold([['h', raised], ['u', acked, 1], ['h', repeat(2, 'ev-2')]]);
    expect(state!.merged.status).toBe('acknowledged');
    expect(state!.merged.evidence.map((e) => e.eventId)).toEqual(['ev-1', 'ev-2']);
    expect(state!.merged.version).toBe(3);
    expect(state!.merged.history.map((h) => h.action)).toEqual(['raised', 'acknowledge', 'updated']);
  });

  it('reaches the same hit whichever topic is read first', () => {
    const acked = applyAction(raised, { action: 'acknowledge', expectedVersion: 1 }, 'cmd', now);
    const a = fold([['h', raised], ['u', acked, 1], ['h', repeat(2, 'ev-2')]]).state!.merged;
    const b = fold([['h', raised], ['h', repeat(2, 'ev-2')], ['u', acked, 1]]).state!.merged;
    const c = fold([['u', acked, 1], ['h', raised], ['h', repeat(2, 'ev-2')]]).state!.merged;
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('accepts the first of two actions claiming the same workflow number and rejects the second on every reader', () => {
    const ack = applyAction(raised, { action: 'acknowledge', expectedVersion: 1 }, 'a', now);
    const assign = applyAction(raised, { action: 'assign', expectedVersion: 1, assignee: 'team-2' }, 'b', now);
    const { state, outcomes } = fold([['h', raised], ['u', ack, 1], ['u', assign, 1]]);
    expect(outcomes).toEqual(['new', 'changed', 'stale']);
    expect(state!.merged.status).toBe('acknowledged');
    expect(state!.merged.assignee).toBeUndefined();
  });

  it('ignores a replayed rules record and takes evidence from a rules instance that restarted at version 1', () => {
    const { state, outcomes } = fold([['h', raised], ['h', raised], ['h', repeat(1, 'ev-9')]]);
    expect(outcomes).toEqual(['new', 'unchanged', 'changed']);
    expect(state!.merged.evidence.map((e) => e.eventId)).toEqual(['ev-1', 'ev-9']);
    expect(state!.merged.version).toBe(2);
  });

  it('rebuilds a hit from a workflow record when its raising record is older than the look-back', () => {
    const ack = applyAction(raised, { action: 'acknowledge', expectedVersion: 1 }, 'a', now);
    const { state, outcomes } = fold([['u', ack, 1]]);
    expect(outcomes).toEqual(['new']);
    expect(state!.merged).toEqual(ack);
  });

  it('drops the disposition when a resolved hit is reopened', () => {
    const resolved = applyAction(raised, { action: 'resolve', expectedVersion: 1, disposition: 'false_positive' }, 'a', now);
    const reopened = applyAction(resolved, { action: 'reopen', expectedVersion: 2 }, 'a', now);
    const { state } = fold([['h', raised], ['u', resolved, 1], ['u', reopened, 2]]);
    expect(state!.merged.status).toBe('acknowledged');
    expect(state!.merged.disposition).toBeUndefined();
    expect(state!.merged.version).toBe(3);
  });
});
