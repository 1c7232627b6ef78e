import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../schemas/src';
import { at, defaultRule, inspectionEvent, registry } from '../fixtures';
import { sightingsOf } from '../sighting';
import { createCorrelator, type CorrelationOutput } from './correlator';
import { newPartitionState } from './partition-state';

const rule = defaultRule('corridor_transit', { minCheckpoints: 3, windowMinutes: 360 });
const correlator = createCorrelator({ registry, latenessMs: 0, lateHorizonMs: 24 * 3_600_000 });
const NOW = new Date('2030-01-01T00:00:00Z');
const G5 = ['CP-140882-G5-01', 'CP-140802-G5-02', 'CP-140100-G5-03', 'CP-140321-G20-01'];
const pass = (checkpointId: string, minutes: number, plate = '晋A9K8L7') => inspectionEvent({ checkpointId, occurredAt: at(minutes), vehicle: { plate, kind: 'car', direction: 'inbound' } });

function correlate(events: Event[], state = newPartitionState()): CorrelationOutput {
  const out: CorrelationOutput = { hits: [], entries: [] };
  for (const e of events) for (const s of sightingsOf(e)) correlator.observe(state, s, [rule], NOW, out);
  correlator.flush(state, [rule], NOW, out);
  return out;
}

describe('corridor transit', () => {
  it('fires when one vehicle passes three checkpoints of a corridor within the window, with the route as evidence', () => {
    const events = [pass(G5[0]!, 0), pass(G5[1]!, 90), pass(G5[2]!, 200)];
    const { hits } = correlate(events);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ ruleId: 'corridor-transit', category: 'corridor_transit', subject: { kind: 'vehicle', key: '晋A9K8L7' }, checkpointId: G5[0], version: 1 });
    expect(hits[0]!.evidence.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(hits[0]!.jurisdictions).toEqual(expect.arrayContaining(['140882', '140802', '140100', '140000']));
  });

  it('updates the same hit when the vehicle reaches a further checkpoint', () => {
    const { hits } = correlate([pass(G5[0]!, 0), pass(G5[1]!, 60), pass(G5[2]!, 120), pass(G5[3]!, 180)]);
    expect(hits.map((h) => h.version)).toEqual([1, 2]);
    expect(new Set(hits.map((h) => h.hitId)).size).toBe(1);
    expect(hits[1]!.evidence).toHaveLength(4);
  });

  it('correlates a late sighting by its event time, completing a transit seen earlier', () => {
    const state = newPartitionState();
    expect(correlate([pass(G5[0]!, 0), pass(G5[2]!, 240)], state).hits).toEqual([]);
    const late = correlate([pass(G5[1]!, 100)], state);
    expect(late.hits).toHaveLength(1);
    expect(late.hits[0]!.evidence.map((e) => e.checkpointId)).toEqual([G5[0], G5[1], G5[2]]);
  });

  it('stays silent for two checkpoints, for three spread beyond the window, for one checkpoint thrice, and across vehicles', () => {
    expect(correlate([pass(G5[0]!, 0), pass(G5[1]!, 60)]).hits).toEqual([]);
    expect(correlate([pass(G5[0]!, 0), pass(G5[1]!, 200), pass(G5[2]!, 400)]).hits).toEqual([]);
    expect(correlate([pass(G5[0]!, 0), pass(G5[0]!, 60), pass(G5[0]!, 120)]).hits).toEqual([]);
    expect(correlate([pass(G5[0]!, 0, '晋A9K8L7'), pass(G5[1]!, 60, '晋A9K8L7'), pass(G5[2]!, 120, '晋B1C2D3')]).hits).toEqual([]);
  });

  it('does not count checkpoints of another corridor', () => {
    expect(correlate([pass(G5[0]!, 0), pass(G5[1]!, 60), pass('CP-530602-G85-01', 120)]).hits).toEqual([]);
  });
});

describe('correlation history past retention', () => {
  it('drops what no window needs any more and keeps the count of held sightings true', () => {
    const state = newPartitionState();
    // Retention here: the 6 h window + the 24 h late horizon; the second pass is two days later.
    correlate([pass(G5[0]!, 0), pass(G5[1]!, 30, '晋B1234C'), pass(G5[2]!, 2 * 24 * 60)], state);
    const held = () => [...state.keys.values()].reduce((n, k) => n + k.sightings.length, 0);
    expect(state.sightings).toBe(held());
    const before = state.sightings;
    correlator.evict(state, [rule]);
    expect(state.sightings).toBe(held());
    expect(state.sightings).toBeLessThan(before);
    expect(state.keys.has('plate:晋B1234C')).toBe(false);
    expect(state.keys.get('plate:晋A9K8L7')?.sightings.map((s) => s.checkpointId)).toEqual([G5[2]]);
  });
});
