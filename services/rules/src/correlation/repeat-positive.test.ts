import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../schemas/src';
import { at, defaultRule, drugTestEvent, registry, residentId } from '../fixtures';
import { sightingsOf } from '../sighting';
import { createCorrelator, type CorrelationOutput } from './correlator';
import { newPartitionState } from './partition-state';

const rule = defaultRule('positive_drug_test', { repeatWindowDays: 30, repeatMinCount: 2 });
const correlator = createCorrelator({ registry, latenessMs: 0, lateHorizonMs: 24 * 3_600_000 });
const person = residentId(50);
const test = (days: number, outcome: 'positive' | 'negative', idNumber = person) => drugTestEvent({ occurredAt: at(days * 1440), subject: { idNumber }, results: [{ substance: 'methamphetamine', outcome }] });

function correlate(events: Event[]): CorrelationOutput {
  const out: CorrelationOutput = { hits: [], entries: [] };
  const state = newPartitionState();
  for (const e of events) for (const s of sightingsOf(e)) correlator.observe(state, s, [rule], new Date('2030-01-01T00:00:00Z'), out);
  return out;
}

describe('repeat positive tests of a person', () => {
  it('raises an escalated hit on the second positive within the window, with both tests as evidence', () => {
    const events = [test(0, 'positive'), test(12, 'positive')];
    const { hits } = correlate(events);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ ruleId: 'positive-drug-test', category: 'repeat_positive', severity: 'critical', subject: { kind: 'person', key: person } });
    expect(hits[0]!.evidence.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
  });

  it('stays silent for positives further apart than the window, a positive and a negative, and positives of two people', () => {
    expect(correlate([test(0, 'positive'), test(45, 'positive')]).hits).toEqual([]);
    expect(correlate([test(0, 'positive'), test(3, 'negative')]).hits).toEqual([]);
    expect(correlate([test(0, 'positive'), test(3, 'positive', residentId(51))]).hits).toEqual([]);
  });
});
