import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchlistEntrySchema, type Hit, type WatchlistEntry } from '../../schemas/src';
import type { RulesService } from '../../services/rules/src/app';
import { createNamespace, type Namespace } from '../support/namespace';
import { IDS, drugTest, inspection, seizure } from '../support/sample-events';
import { clock, collect, collectHits, drained, produceEvents, rulesFor, type Collector } from './rules-harness';

const G5 = ['CP-140882-G5-01', 'CP-140802-G5-02', 'CP-140100-G5-03', 'CP-140321-G20-01'];
const t = clock();
const pass = (checkpointId: string, minutes: number, plate: string) => inspection({ checkpointId, occurredAt: t(minutes), vehicle: { plate, kind: 'car', direction: 'inbound' }, passengers: [] });

describe('rules service with real Kafka: correlation by event time (stage 2)', () => {
  let ns: Namespace;
  let rules: RulesService;
  let hits: Collector<Hit>;
  const ofRule = (ruleId: string, key: string) => (items: Hit[]) => {
    const found = items.filter((h) => h.ruleId === ruleId && h.subject.key === key);
    return found.length ? found : undefined;
  };

  beforeAll(async () => {
    ns = await createNamespace('rules-corr');
    rules = rulesFor(ns, 'corr-1');
    await rules.start();
    hits = await collectHits(ns);
  });
  afterAll(async () => {
    await hits?.stop();
    await rules?.stop();
    await ns?.cleanup();
  });

  it('raises a corridor transit when one vehicle passes three checkpoints of a corridor within the window', async () => {
    const events = [pass(G5[0]!, 0, '晋A1B2C3'), pass(G5[1]!, 70, '晋A1B2C3'), pass(G5[2]!, 150, '晋A1B2C3')];
    await produceEvents(ns, events);
    const [hit, ...more] = await hits.until('the corridor hit', ofRule('corridor-transit', '晋A1B2C3'));
    expect(more).toEqual([]);
    expect(hit!.evidence.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(hit).toMatchObject({ version: 1, category: 'corridor_transit' });
  });

  it('stays silent for a vehicle at only two checkpoints of the corridor', async () => {
    await produceEvents(ns, [pass(G5[0]!, 0, '晋A7H8J9'), pass(G5[1]!, 30, '晋A7H8J9')]);
    await drained(ns, `${ns.topicPrefix}rules`, ns.topics.events, { transactional: false });
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
    expect(hits.items.filter((h) => h.subject.key === '晋A7H8J9')).toEqual([]);
  });

  it('correlates a late event from an offline terminal by its event time', async () => {
    await produceEvents(ns, [pass(G5[0]!, 0, '晋B5K6M7'), pass(G5[2]!, 200, '晋B5K6M7')]);
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
    expect(hits.items.filter((h) => h.subject.key === '晋B5K6M7')).toEqual([]);
    // Hours later the offline terminal at the middle checkpoint forwards what it recorded in between.
    const late = pass(G5[1]!, 100, '晋B5K6M7');
    await produceEvents(ns, [pass('CP-520500-G56-01', 600, '贵F1A2B3'), late]);
    const [hit] = await hits.until('the late corridor hit', ofRule('corridor-transit', '晋B5K6M7'));
    expect(hit!.evidence.map((e) => e.checkpointId)).toEqual([G5[0], G5[1], G5[2]]);
  });

  it('reports a suspicious inspection whose driver is not tested within 30 minutes, once event time passes the deadline (逢嫌必检)', async () => {
    // Later than anything before in this file, so the partitions' watermarks are still before the deadline.
    const driver = IDS.ordos;
    const tested = IDS.bijie;
    const untested = inspection({ checkpointId: G5[0], occurredAt: t(1000), driver: { idNumber: driver }, passengers: [], vehicle: { plate: '蒙K1L2M3', kind: 'car', direction: 'inbound' }, findings: { suspicious: true, indicators: ['nervous'], note: '' } });
    const followed = inspection({ checkpointId: G5[0], occurredAt: t(1000), driver: { idNumber: tested }, passengers: [], vehicle: { plate: '贵F5N6P7', kind: 'car', direction: 'inbound' }, findings: { suspicious: true, indicators: ['nervous'], note: '' } });
    await produceEvents(ns, [untested, followed, drugTest({ checkpointId: G5[0], occurredAt: t(1020), subject: { idNumber: tested }, relatedEventId: followed.eventId })]);
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
    expect(hits.items.filter((h) => h.ruleId === 'suspicious-without-test')).toEqual([]);
    // Time passes on any checkpoint: stage 1's watermark ticks reach every partition.
    await produceEvents(ns, [pass('CP-520500-G56-01', 1040, '贵F9Q8R7')]);
    const [hit] = await hits.until('the 逢嫌必检 hit', ofRule('suspicious-without-test', driver));
    expect(hit).toMatchObject({ action: 'test', evidence: [{ eventId: untested.eventId }] });
    await produceEvents(ns, [pass('CP-520500-G56-01', 1100, '贵F9Q8R7')]);
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
    expect(hits.items.filter((h) => h.ruleId === 'suspicious-without-test').map((h) => h.subject.key)).toEqual([driver]);
  });

  it('escalates repeat positive tests of one person', async () => {
    const positive = [{ substance: 'methamphetamine', outcome: 'positive', cutoffNgMl: 50 }];
    await produceEvents(ns, [drugTest({ occurredAt: t(10), subject: { idNumber: IDS.chengdu }, results: positive }), drugTest({ checkpointId: 'CP-140100-G5-03', occurredAt: t(400), subject: { idNumber: IDS.chengdu }, results: positive })]);
    const repeat = await hits.until('the repeat-positive hit', (items) => items.find((h) => h.category === 'repeat_positive' && h.subject.key === IDS.chengdu));
    expect(repeat).toMatchObject({ ruleId: 'positive-drug-test', severity: 'critical' });
    expect(repeat.evidence).toHaveLength(2);
    await produceEvents(ns, [drugTest({ occurredAt: t(10), subject: { idNumber: IDS.taiyuan }, results: positive }), drugTest({ occurredAt: t(400), subject: { idNumber: IDS.taiyuan } })]);
    await drained(ns, `${ns.topicPrefix}rules`, ns.topics.events, { transactional: false });
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
    expect(hits.items.filter((h) => h.subject.key === IDS.taiyuan).map((h) => h.category)).toEqual(['positive_drug_test']);
  });

  it('traces a seizure back through earlier sightings and lists the seized vehicle and persons with provenance', async () => {
    const entries = await collect(ns, ns.topics.watchlist, (v) => WatchlistEntrySchema.parse(v));
    const earlier = [
      inspection({ checkpointId: 'CP-530621-G85-02', occurredAt: t(-3 * 1440), vehicle: { plate: '云A3D4F5', kind: 'truck', direction: 'outbound' }, driver: { idNumber: IDS.ludian }, passengers: [] }),
      inspection({ checkpointId: 'CP-530602-G85-01', occurredAt: t(-2 * 1440), vehicle: { plate: '云A3D4F5', kind: 'truck', direction: 'outbound' }, driver: { idNumber: IDS.zhaotong }, passengers: [] }),
    ];
    const seized = seizure({ checkpointId: 'CP-511500-G85-04', occurredAt: t(0), vehicles: [{ plate: '云A3D4F5' }], persons: [{ idNumber: IDS.ludian, role: 'driver', detained: true }] });
    await produceEvents(ns, earlier);
    await produceEvents(ns, [seized]);
    const [vehicle] = await hits.until('the vehicle trace-back', ofRule('seizure-trace-back', '云A3D4F5'));
    expect(vehicle!.evidence.map((e) => e.eventId)).toEqual([seized.eventId, earlier[0]!.eventId, earlier[1]!.eventId]);
    const [person] = await hits.until('the person trace-back', ofRule('seizure-trace-back', IDS.ludian));
    expect(person!.evidence.map((e) => e.eventId)).toEqual([seized.eventId, earlier[0]!.eventId]);
    const listed = await entries.until('the trace-back entries', (items) => {
      const mine = items.filter((e: WatchlistEntry) => e.provenance?.eventId === seized.eventId);
      return mine.length >= 2 ? mine : undefined;
    });
    await entries.stop();
    expect(listed.map((e) => [e.kind, e.key, e.provenance?.source]).sort()).toEqual([['person', IDS.ludian, 'trace-back'], ['vehicle', '云A3D4F5', 'trace-back']]);
  });

  it('raises no trace-back for a seized vehicle never seen before', async () => {
    await produceEvents(ns, [seizure({ checkpointId: 'CP-511500-G85-04', occurredAt: t(5), vehicles: [{ plate: '川Q9W8E7' }], persons: [] })]);
    await drained(ns, `${ns.topicPrefix}rules`, ns.topics.events, { transactional: false });
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
    expect(hits.items.filter((h) => h.subject.key === '川Q9W8E7')).toEqual([]);
  });
});
