import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterSchema } from '../../schemas/src';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection, seizure } from '../support/sample-events';

type Json = Record<string, unknown>;

describe('indexer with real Kafka and Elasticsearch', () => {
  let ns: Namespace;
  const running: Indexer[] = [];
  beforeAll(async () => {
    ns = await createNamespace('indexer');
  });
  afterAll(async () => {
    for (const i of running) await i.stop().catch(() => undefined);
    await ns?.cleanup();
  });

  const start = async (overrides: Record<string, string> = {}) => {
    const indexer = buildIndexer(loadIndexerConfig({ ...ns.env, ...overrides }), { logger: ns.logger, kafka: ns.kafka });
    running.push(indexer);
    await indexer.start();
    return indexer;
  };
  const stop = async (indexer: Indexer) => {
    await indexer.stop();
    running.splice(running.indexOf(indexer), 1);
  };
  const ready = async (indexer: Indexer) => (await indexer.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
  /** Produces like the gateway: keyed by checkpoint, event-id and body hash headers. */
  const produce = async (topic: string, values: Array<Json | string>, key = (v: Json) => String(v.checkpointId ?? v.hitId ?? 'k')) => {
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    const sent = await producer.send({
      topic,
      acks: -1,
      messages: values.map((v) => {
        const value = typeof v === 'string' ? v : JSON.stringify(v);
        return { key: typeof v === 'string' ? 'raw' : key(v), value, headers: { 'event-id': typeof v === 'string' ? 'raw' : String(v.eventId ?? ''), 'body-sha256': createHash('sha256').update(value).digest('hex') } };
      }),
    });
    await producer.disconnect();
    return sent;
  };
  const count = async (alias: string, field: string, id: string) => {
    await ns.es.indices.refresh({ index: `${ns.indexPrefix}${alias}`, ignore_unavailable: true, allow_no_indices: true });
    const r = await ns.es.count({ index: `${ns.indexPrefix}${alias}`, query: { term: { [field]: id } }, ignore_unavailable: true, allow_no_indices: true });
    return r.count;
  };
  const committed = async (groupId: string, topic: string) => {
    const [t] = await ns.admin.fetchOffsets({ groupId, topics: [topic] });
    return t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  };
  const highWatermarks = async (topic: string) => (await ns.admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

  it('makes an accepted event searchable without a forced refresh, and neither a resent message nor a full replay doubles it', async () => {
    const indexer = await start();
    await eventually('the indexer to join its group', async () => ((await ready(indexer)) === 200 ? true : undefined), 30_000);
    const ev = inspection({ vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' }, findings: { suspicious: true, indicators: ['hidden_compartment'], note: '后备箱夹层发现可疑包裹' } });
    await produce(ns.topics.events, [ev]);
    // Searchable = visible to an ordinary search, without forcing a refresh.
    await eventually('the event in search', async () => {
      const r = await ns.es.search({ index: `${ns.indexPrefix}events`, query: { term: { eventId: String(ev.eventId) } }, ignore_unavailable: true, allow_no_indices: true });
      return r.hits.hits.length ? true : undefined;
    }, 10_000, 25);
    // How fast (the 2-second target) is measured by the benchmark, not asserted here: a wall-clock bound fails on a
    // loaded machine (2.8 s once in a full suite run). `npm run bench` reports timeToSearchableMs.p95.
    const phrase = await ns.es.search({ index: `${ns.indexPrefix}events`, query: { bool: { filter: [{ term: { plateGrams: '^晋C' } }, { term: { plateGrams: '45$' } }], must: [{ match_phrase: { text: '夹层' } }] } } });
    expect(phrase.hits.hits.map((h) => h._id)).toEqual([ev.eventId]);

    await produce(ns.topics.events, [ev]);
    await eventually('the resent message consumed', async () => ((await committed(`${ns.topicPrefix}indexer`, ns.topics.events)) === (await highWatermarks(ns.topics.events)) ? true : undefined), 15_000, 200);
    const replay = await start({ INDEXER_GROUP_ID: 'indexer-replay' });
    await eventually('the replay to reach the end of the topic', async () => ((await committed(`${ns.topicPrefix}indexer-replay`, ns.topics.events)) === (await highWatermarks(ns.topics.events)) ? true : undefined), 30_000, 200);
    expect(await count('events', 'eventId', String(ev.eventId))).toBe(1);
    await stop(replay);
    await stop(indexer);
  });

  it('keeps the newest hit version even when an older one arrives later, and applies updates from the console', async () => {
    const indexer = await start();
    const hit = (version: number, status: string): Json => ({
      hitId: `hit-${ns.topicPrefix}`,
      ruleId: 'watchlist-vehicle',
      ruleVersion: 1,
      severity: 'high',
      category: 'case_vehicle',
      action: 'detain',
      occurredAt: '2026-11-22T14:03:11.250+08:00',
      detectedAt: '2026-11-22T14:03:11.400+08:00',
      checkpointId: 'CP-140882-G5-01',
      jurisdictions: ['140882'],
      subject: { kind: 'vehicle', key: '晋C7K245', display: '晋C7K245' },
      match: { exact: true, kind: 'exact' },
      evidence: [{ eventId: 'e-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T14:03:11.250+08:00' }],
      summary: { zh: '涉案车辆', en: 'case vehicle' },
      status,
      version,
    });
    await produce(ns.topics.hits, [hit(2, 'acknowledged')]);
    await produce(ns.topics.hits, [hit(1, 'new')]);
    await eventually('both hit versions consumed', async () => ((await committed(`${ns.topicPrefix}indexer`, ns.topics.hits)) === (await highWatermarks(ns.topics.hits)) ? true : undefined), 20_000, 200);
    const read = async () => {
      await ns.es.indices.refresh({ index: `${ns.indexPrefix}hits` });
      const r = await ns.es.search<{ version: number; status: string }>({ index: `${ns.indexPrefix}hits`, query: { term: { hitId: `hit-${ns.topicPrefix}` } } });
      return r.hits.hits.map((h) => ({ version: h._source!.version, status: h._source!.status }));
    };
    expect(await read()).toEqual([{ version: 2, status: 'acknowledged' }]);
    await produce(ns.topics.hitUpdates, [hit(3, 'resolved')]);
    await eventually('the console update indexed', async () => ((await read())[0]?.version === 3 ? true : undefined), 20_000, 200);
    expect(await read()).toEqual([{ version: 3, status: 'resolved' }]);
    await stop(indexer);
  });

  it('dead-letters messages that can never be indexed, with the reason, and keeps going', async () => {
    const indexer = await start();
    const good = seizure();
    const badEvent = inspection({ occurredAt: 'yesterday' });
    await produce(ns.topics.events, ['{not json', badEvent, good]);
    await eventually('the valid event after the bad ones', async () => ((await count('events', 'eventId', String(good.eventId))) === 1 ? true : undefined), 20_000, 200);
    const letters: Array<{ reason: string; sourceTopic: string }> = [];
    const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}dl-reader-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: ns.topics.deadLetters, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void letters.push(DeadLetterSchema.parse(JSON.parse(message.value!.toString()))) });
    await eventually('two dead letters', () => (letters.length >= 2 ? true : undefined), 20_000);
    await consumer.disconnect();
    expect(letters.map((l) => l.sourceTopic)).toEqual([ns.topics.events, ns.topics.events]);
    expect(letters.map((l) => l.reason)).toEqual(['not JSON', expect.stringMatching(/^invalid event: occurredAt/)]);
    expect(await count('events', 'eventId', String(badEvent.eventId))).toBe(0);
    await stop(indexer);
  });

  it('commits nothing and is not ready while Elasticsearch is unreachable, then indexes everything exactly once', async () => {
    const group = 'indexer-outage';
    const events = [seizure(), inspection(), inspection({ vehicle: { plate: '云A8B5S2', kind: 'truck', direction: 'outbound' }, checkpointId: 'CP-530621-G85-02' })];
    const audit = { recordId: `audit-${randomUUID()}`, chainId: 'c1', seq: 0, at: '2026-11-22T15:00:00+08:00', actor: 'inv1', role: 'investigator', action: 'search', purpose: '案件 A-2026-17', details: { plate: '晋C*45' }, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) };
    const down = await start({ ES_URL: 'http://127.0.0.1:1', INDEXER_GROUP_ID: group });
    const sent = await produce(ns.topics.events, events);
    await produce(ns.topics.audit, [audit], () => 'inv1');
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await ready(down)).toBe(503);
    // Only messages that could never be indexed (the dead letters above) may have been committed past.
    const [offsets] = await ns.admin.fetchOffsets({ groupId: `${ns.topicPrefix}${group}`, topics: [ns.topics.events] });
    for (const s of sent) expect(Number(offsets!.partitions.find((p) => p.partition === s.partition)!.offset)).toBeLessThanOrEqual(Number(s.baseOffset));
    expect(await committed(`${ns.topicPrefix}${group}`, ns.topics.audit)).toBe(0);
    await stop(down);

    const up = await start({ INDEXER_GROUP_ID: group });
    for (const e of events) await eventually(`event ${String(e.eventId)} indexed`, async () => ((await count('events', 'eventId', String(e.eventId))) === 1 ? true : undefined), 30_000, 200);
    await eventually('the audit record indexed', async () => ((await count('audit', 'recordId', audit.recordId)) === 1 ? true : undefined), 30_000, 200);
    await eventually('every offset committed', async () => ((await committed(`${ns.topicPrefix}${group}`, ns.topics.events)) === (await highWatermarks(ns.topics.events)) ? true : undefined), 15_000, 200);
    expect(await ready(up)).toBe(200);
    for (const e of events) expect(await count('events', 'eventId', String(e.eventId))).toBe(1);
    await stop(up);
  });
});
