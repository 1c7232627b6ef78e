import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../schemas/src';
import { at, defaultRule, inspectionEvent, registry, residentId, seizureEvent } from '../fixtures';
import { sightingsOf } from '../sighting';
import { createCorrelator, type CorrelationOutput } from './correlator';
import { newPartitionState, type PartitionState } from './partition-state';

const rule = defaultRule('seizure_trace_back', { days: 30 });
const correlator = createCorrelator({ registry, latenessMs: 0, lateHorizonMs: 24 * 3_600_000 });
const courier = residentId(70);
const plate = '晋D7H2K9';
const DAY = 1440;
const seen = (days: number, checkpointId = 'CP-140802-G5-02') => inspectionEvent({ checkpointId, occurredAt: at(days * DAY), vehicle: { plate, kind: 'truck', direction: 'inbound' }, driver: { idNumber: courier }, passengers: [] });
const seized = (days: number) => seizureEvent({ occurredAt: at(days * DAY), vehicles: [{ plate }], persons: [{ idNumber: courier, role: 'courier', detained: true }] });

function feed(state: PartitionState, events: Event[]): CorrelationOutput {
  const out: CorrelationOutput = { hits: [], entries: [] };
  for (const e of events) for (const s of sightingsOf(e)) correlator.observe(state, s, [rule], new Date('2030-01-01T00:00:00Z'), out);
  return out;
}

describe('seizure trace-back', () => {
  it('raises one hit per seized vehicle and person with every sighting of the last D days, and lists them with provenance', () => {
    const earlier = [seen(1), seen(10, 'CP-140100-G5-03')];
    const seizure = seized(20);
    const { hits, entries } = feed(newPartitionState(), [seen(-20), ...earlier, seizure]);
    expect(hits.map((h) => h.subject.key).sort()).toEqual([courier, plate].sort());
    for (const h of hits) {
      expect(h).toMatchObject({ ruleId: 'seizure-trace-back', category: 'seizure_trace_back', checkpointId: seizure.checkpointId });
      expect(h.evidence.map((e) => e.eventId)).toEqual([seizure.eventId, ...earlier.map((e) => e.eventId)]);
    }
    expect(entries).toHaveLength(2);
    expect(entries.find((e) => e.kind === 'vehicle')).toMatchObject({ key: plate, category: 'case_vehicle', ownerJurisdiction: '140882', provenance: { source: 'trace-back', eventId: seizure.eventId } });
    expect(entries.find((e) => e.kind === 'person')).toMatchObject({ key: courier, category: 'prior_trafficking' });
  });

  it('adds a sighting that arrives late but happened before the seizure to the same hit', () => {
    const state = newPartitionState();
    const first = feed(state, [seen(5), seized(20)]);
    const late = feed(state, [seen(12)]);
    const vehicleHit = (o: CorrelationOutput) => o.hits.find((h) => h.subject.kind === 'vehicle')!;
    expect(vehicleHit(late)).toMatchObject({ hitId: vehicleHit(first).hitId, version: 2 });
    expect(vehicleHit(late).evidence).toHaveLength(3);
    expect(late.entries).toEqual([]);
  });

  it('raises no hit without earlier sightings in the window (the new watchlist entries are still made), nor for sightings after the seizure', () => {
    const state = newPartitionState();
    const { hits, entries } = feed(state, [seen(-40), seized(0)]);
    expect(hits).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(feed(state, [seen(3)]).hits).toEqual([]);
  });
});
