import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { drugTest, inspection } from '../support/sample-events';
import { gatewayFor } from '../gateway/gateway-harness';
import { RuleSchema } from '../../schemas/src';
import { DEFAULT_RULES } from '../../services/rules/src/default-rules';
import { collect, committedHits, DEMO_WATCHLIST, putWatchlist, rulesFor } from './rules-harness';
import type { RulesService } from '../../services/rules/src/app';
import type { Gateway } from '../../services/gateway/src/app';

const watch = readFileSync(DEMO_WATCHLIST, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { key: string; category: string; kind: string });
const fugitive = watch.find((w) => w.category === 'fugitive')!;
const caseVehicle = watch.find((w) => w.entryId === 'WL-V-0003')!; // 晋M2E618
const revoked = watch.find((w) => w.category === 'revoked_licence')!;

describe('rules service with real Kafka: watchlist and single-event rules', () => {
  let ns: Namespace;
  let rules: RulesService;
  let gw: { gateway: Gateway; tokenFor: (cp: string) => string };
  beforeAll(async () => {
    ns = await createNamespace('rules');
    await putWatchlist(ns, watch);
    rules = rulesFor(ns);
    await rules.start();
    gw = gatewayFor(ns);
    await gw.gateway.start();
  });
  afterAll(async () => {
    await gw?.gateway.stop();
    await rules?.stop();
    await ns?.cleanup();
  });

  const submit = async (ev: Record<string, unknown>) => {
    const res = await gw.gateway.app.inject({ method: 'POST', url: '/api/v1/events?waitMs=5000', headers: { authorization: `Bearer ${gw.tokenFor(String(ev.checkpointId))}` }, payload: ev });
    expect(res.statusCode).toBe(202);
    return res.json() as { verdict: { judged: boolean; hits: Array<{ ruleId: string; severity: string; match: { exact: boolean; kind: string }; summary: { en: string } }> } };
  };

  it('tells the officer at once that the driver is a fugitive, with the evidence routed to both jurisdictions', async () => {
    const body = await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [] }));
    expect(body.verdict.judged).toBe(true);
    expect(body.verdict.hits).toHaveLength(1);
    expect(body.verdict.hits[0]).toMatchObject({ ruleId: 'watchlist-person', severity: 'critical', match: { exact: true } });
    expect((body.verdict.hits[0] as unknown as { jurisdictions: string[] }).jurisdictions).toEqual(expect.arrayContaining(['140882', '140800', '140000', '530600', '530000']));
  });

  it('matches a listed vehicle exactly and a look-alike misread as fuzzy, but not a different plate', async () => {
    const exact = await submit(inspection({ vehicle: { plate: caseVehicle.key, kind: 'truck', direction: 'inbound' } }));
    expect(exact.verdict.hits.map((h) => [h.ruleId, h.match.exact])).toEqual([['watchlist-vehicle', true]]);
    const misread = await submit(inspection({ vehicle: { plate: '晋M2E6I8'.replace('I', '1').replace('6', 'G'), kind: 'truck', direction: 'inbound' } }));
    expect(misread.verdict.hits).toHaveLength(1);
    expect(misread.verdict.hits[0]).toMatchObject({ ruleId: 'watchlist-vehicle', match: { exact: false, kind: 'lookalike' } });
    const other = await submit(inspection({ vehicle: { plate: '晋M7K391', kind: 'truck', direction: 'inbound' } }));
    expect(other.verdict).toMatchObject({ judged: true, hits: [] });
  });

  it('flags a revoked licence only when its holder drives', async () => {
    const driving = await submit(inspection({ driver: { idNumber: revoked.key } }));
    expect(driving.verdict.hits.map((h) => h.ruleId)).toEqual(['revoked-licence-driving']);
    const riding = await submit(inspection({ passengers: [{ idNumber: revoked.key }] }));
    expect(riding.verdict.hits).toEqual([]);
  });

  it('escalates a positive test of a coach driver, and stays silent on a negative one', async () => {
    const coach = await submit(drugTest({ vehicle: { kind: 'coach' }, results: [{ substance: 'heroin', outcome: 'positive', cutoffNgMl: 50 }] }));
    expect(coach.verdict.hits).toMatchObject([{ ruleId: 'positive-drug-test', severity: 'critical' }]);
    const negative = await submit(drugTest());
    expect(negative.verdict.hits).toEqual([]);
  });

  it('marks co-travellers of a fugitive', async () => {
    const body = await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [{ idNumber: '140100199202283457' }] }));
    expect(body.verdict.hits.map((h) => h.ruleId).sort()).toEqual(['co-traveller', 'watchlist-person']);
  });

  it('puts each hit on the hits topic once for a read-committed reader, and updates it on a repeat in the cool-down', async () => {
    const ev1 = inspection({ checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T10:05:00+08:00', vehicle: { plate: '川A7B3D9', kind: 'car', direction: 'outbound' } });
    const ev2 = inspection({ checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T10:10:00+08:00', vehicle: { plate: '川A7B3D9', kind: 'car', direction: 'inbound' } });
    await submit(ev1);
    await submit(ev2);
    const hits = await eventually('both versions of the hit', async () => {
      const all = (await committedHits(ns)).filter((h) => h.subject.key === '川A7B3D9');
      return all.length >= 2 ? all : undefined;
    });
    expect(new Set(hits.map((h) => h.hitId)).size).toBe(1);
    expect(hits.map((h) => h.version)).toEqual([1, 2]);
    expect(hits[1]!.evidence.map((e) => e.eventId)).toEqual([ev1.eventId, ev2.eventId]);
  });

  it('sends a poison message to the dead-letter topic and keeps going', async () => {
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: ns.topics.events, messages: [{ key: 'CP-140882-G5-01', value: '{"not":"an event"' }] });
    await producer.disconnect();
    const after = await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [], occurredAt: '2026-11-22T20:00:00+08:00' }));
    expect(after.verdict.hits).toHaveLength(1);
    const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}dlq`, readUncommitted: false });
    const dead: Array<{ reason: string; sourceTopic: string }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: ns.topics.deadLetters, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void dead.push(JSON.parse(message.value!.toString())) });
    await eventually('the dead letter', () => (dead.length ? dead : undefined));
    await consumer.disconnect();
    expect(dead[0]).toMatchObject({ sourceTopic: ns.topics.events, reason: 'not JSON' });
  });

  it('flags a person under community treatment outside their area, not inside it', async () => {
    const treated = watch.find((w) => w.category === 'community_treatment')!; // area 140300 (Yangquan)
    const away = await submit(inspection({ driver: { idNumber: treated.key }, passengers: [] }));
    expect(away.verdict.hits.map((h) => h.ruleId)).toEqual(['community-treatment']);
    const home = await submit(inspection({ checkpointId: 'CP-140321-G20-01', driver: { idNumber: treated.key }, passengers: [] }));
    expect(home.verdict.hits).toEqual([]);
  });

  it('flags precursor cargo above its permit or without one, not within it', async () => {
    const truck = (quantityKg: number, plate = '蒙K3H761') =>
      inspection({ occurredAt: '2026-11-22T09:00:00+08:00', vehicle: { plate, kind: 'truck', direction: 'outbound' }, passengers: [], cargo: { description: '麻黄草', precursors: [{ chemical: 'ephedra', quantityKg, permitNo: 'YZD-1508-2026-0031' }] } });
    expect((await submit(truck(300))).verdict.hits).toEqual([]);
    expect((await submit(truck(800))).verdict.hits).toMatchObject([{ ruleId: 'precursor-permit', summary: { en: expect.stringContaining('above its permit') } }]);
    expect((await submit(truck(100, '晋C54321'))).verdict.hits).toMatchObject([{ ruleId: 'precursor-permit', summary: { en: expect.stringContaining('without a valid permit') } }]);
  });

  it('does not mark companions of a person listed only as a registered drug user', async () => {
    const user = watch.find((w) => w.category === 'registered_drug_user')!;
    const body = await submit(inspection({ driver: { idNumber: user.key }, passengers: [{ idNumber: '140100199202283457' }] }));
    expect(body.verdict.hits.map((h) => h.ruleId)).toEqual(['watchlist-person']);
  });

  it('seeded the default rule set into the empty rules topic', async () => {
    const seeded = await collect(ns, ns.topics.rules, (v) => RuleSchema.parse(v));
    const ids = await seeded.until('the seeded rules', (items) => (items.length >= DEFAULT_RULES.length ? items.map((r) => r.ruleId) : undefined));
    await seeded.stop();
    expect(ids.sort()).toEqual(DEFAULT_RULES.map((r) => r.ruleId).sort());
  });

  it('applies a rule switched off on the rules topic within a second, without restart', async () => {
    const producer = ns.kafka.producer();
    await producer.connect();
    const person = DEFAULT_RULES.find((r) => r.ruleId === 'watchlist-person')!;
    await producer.send({ topic: ns.topics.rules, acks: -1, messages: [{ key: person.ruleId, value: JSON.stringify({ ...person, enabled: false, version: 2 }) }] });
    await new Promise((r) => setTimeout(r, 1000));
    const off = await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [], occurredAt: '2026-11-22T21:00:00+08:00' }));
    expect(off.verdict.hits).toEqual([]);
    await producer.send({ topic: ns.topics.rules, acks: -1, messages: [{ key: person.ruleId, value: JSON.stringify({ ...person, version: 3 }) }] });
    await producer.disconnect();
    await new Promise((r) => setTimeout(r, 1000));
    const on = await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [], occurredAt: '2026-11-22T22:00:00+08:00' }));
    expect(on.verdict.hits.map((h) => h.ruleId)).toEqual(['watchlist-person']);
  });

  it('applies a watchlist entry put after start to the next event', async () => {
    await putWatchlist(ns, [{ entryId: 'WL-LIVE-0001', kind: 'vehicle', key: '晋A8R6T2', category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: '140800', reason: '新布控', attributes: {} }]);
    await new Promise((r) => setTimeout(r, 1000));
    const body = await submit(inspection({ vehicle: { plate: '晋A8R6T2', kind: 'car', direction: 'inbound' }, passengers: [] }));
    expect(body.verdict.hits).toMatchObject([{ ruleId: 'watchlist-vehicle', match: { exact: true } }]);
  });
});
