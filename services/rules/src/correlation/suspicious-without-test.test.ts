import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../schemas/src';
import { at, defaultRule, drugTestEvent, inspectionEvent, registry, residentId } from '../fixtures';
import { sightingsOf } from '../sighting';
import { createCorrelator, type CorrelationOutput } from './correlator';
import { keyState, newPartitionState, type PartitionState } from './partition-state';

const rule = defaultRule('suspicious_without_test', { windowMinutes: 30, roles: ['driver'] });
const correlator = createCorrelator({ registry, latenessMs: 5 * 60_000, lateHorizonMs: 24 * 3_600_000 });
const driver = residentId(60);
const NOW = new Date('2030-01-01T00:00:00Z');
const suspicious = (minutes: number, flag = true) =>
  inspectionEvent({ occurredAt: at(minutes), driver: { idNumber: driver }, passengers: [{ idNumber: residentId(61) }], findings: { suspicious: flag, indicators: ['nervous'], note: '' } });
const tested = (minutes: number, related?: string) => drugTestEvent({ occurredAt: at(minutes), subject: { idNumber: driver }, ...(related ? { relatedEventId: related } : {}) });
/** Any later event moves the partition's event time on (stage 1's watermark ticks do the same live). */
const timePasses = (state: PartitionState, minutes: number) => correlator.advance(state, at(minutes), NOW);

function feed(state: PartitionState, events: Event[]): CorrelationOutput {
  const out: CorrelationOutput = { hits: [], entries: [] };
  for (const e of events) for (const s of sightingsOf(e)) correlator.observe(state, s, [rule], NOW, out);
  correlator.flush(state, [rule], NOW, out);
  return out;
}
const tick = (state: PartitionState, minutes: number) => {
  timePasses(state, minutes);
  return feed(state, []);
};

describe('逢嫌必检: suspicious inspection without a drug test', () => {
  it('reports the untested driver once the watermark (event time − lateness) passes the 30-minute deadline', () => {
    const state = newPartitionState();
    const inspection = suspicious(0);
    expect(feed(state, [inspection]).hits).toEqual([]);
    expect(tick(state, 34).hits).toEqual([]);
    const { hits } = tick(state, 35);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ ruleId: 'suspicious-without-test', action: 'test', subject: { kind: 'person', key: driver }, evidence: [{ eventId: inspection.eventId }] });
    expect(tick(state, 120).hits).toEqual([]);
  });

  it('stays silent when the driver is tested within the window, or by a test naming the inspection, and for an unsuspicious inspection', () => {
    const a = newPartitionState();
    feed(a, [suspicious(0), tested(25)]);
    expect(tick(a, 200).hits).toEqual([]);
    const b = newPartitionState();
    const i = suspicious(0);
    feed(b, [i, tested(50, i.eventId)]);
    expect(tick(b, 200).hits).toEqual([]);
    const c = newPartitionState();
    feed(c, [suspicious(0, false)]);
    expect(tick(c, 200).hits).toEqual([]);
  });

  it('waits for a late test from an offline terminal that arrives in the same batch, and updates the hit for one arriving after it', () => {
    const batch = newPartitionState();
    timePasses(batch, 300);
    expect(feed(batch, [suspicious(0), tested(20)]).hits).toEqual([]);

    const state = newPartitionState();
    feed(state, [suspicious(0)]);
    const [raised] = tick(state, 60).hits;
    const { hits } = feed(state, [tested(20)]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ hitId: raised!.hitId, version: 2 });
    expect(hits[0]!.summary.en).toContain('reported late');
  });

  it('does not oblige a passenger when the rule names drivers only', () => {
    const state = newPartitionState();
    feed(state, [suspicious(0)]);
    expect(tick(state, 60).hits.map((h) => h.subject.key)).toEqual([driver]);
  });
});

describe('correlation state under its memory bound', () => {
  it('forgets the least recently seen subject first, and counts it', () => {
    const state = newPartitionState({ maxKeys: 3 });
    for (const k of ['a', 'b', 'c']) keyState(state, k);
    keyState(state, 'a'); // seen again: now the most recent
    keyState(state, 'd');
    expect([...state.keys.keys()]).toEqual(['c', 'a', 'd']);
    expect(state.evicted).toBe(1);
    keyState(state, 'e');
    expect([...state.keys.keys()]).toEqual(['a', 'd', 'e']);
    expect(state.evicted).toBe(2);
  });

  it('still reports an untested suspicious driver whose state was forgotten, and not one tested after it', () => {
    const state = newPartitionState({ maxKeys: 4 });
    const inspection = suspicious(0);
    feed(state, [inspection]);
    // Others' sightings push the driver (and the passenger) out of the bound.
    feed(state, Array.from({ length: 6 }, (_, i) => inspectionEvent({ occurredAt: at(1), driver: { idNumber: residentId(100 + i) }, passengers: [], vehicle: { plate: `晋C1${String(i).padStart(4, '0')}`, kind: 'car', direction: 'inbound' } })));
    expect(state.keys.has(`person:${driver}`)).toBe(false);
    expect(state.evicted).toBeGreaterThan(0);
    const { hits } = tick(state, 40);
    expect(hits).toMatchObject([{ ruleId: 'suspicious-without-test', subject: { key: driver }, evidence: [{ eventId: inspection.eventId }] }]);

    const other = newPartitionState({ maxKeys: 4 });
    feed(other, [suspicious(0)]);
    feed(other, Array.from({ length: 6 }, (_, i) => inspectionEvent({ occurredAt: at(1), driver: { idNumber: residentId(200 + i) }, passengers: [], vehicle: { plate: `晋C2${String(i).padStart(4, '0')}`, kind: 'car', direction: 'inbound' } })));
    feed(other, [tested(20)]);
    expect(tick(other, 40).hits).toEqual([]);
  });
});
