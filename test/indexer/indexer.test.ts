import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../lib/elasticsearch';
import { buildIndexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection, seizure } from '../support/sample-events';

describe('indexer with real Kafka and Elasticsearch', () => {
  let ns: Namespace;
  beforeAll(async () => {
    ns = await createNamespace('indexer');
  });
  afterAll(async () => ns?.cleanup());

  const produce = async (events: Array<Record<string, unknown>>) => {
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: ns.topics.events, acks: -1, messages: events.map((e) => ({ key: String(e.checkpointId), value: JSON.stringify(e), headers: { 'event-id': String(e.eventId) } })) });
    await producer.disconnect();
  };
  const countById = async (eventId: string) => {
    await ns.es.indices.refresh({ index: `${ns.indexPrefix}events` }).catch(() => undefined);
    const r = await ns.es.count({ index: `${ns.indexPrefix}events`, query: { term: { eventId } } }).catch(() => ({ count: 0 }));
    return r.count;
  };

  it('makes an accepted event searchable within 2 seconds, by partial plate too, and a replay does not double it', async () => {
    const indexer = buildIndexer(loadIndexerConfig(ns.env), { logger: ns.logger, kafka: ns.kafka });
    await indexer.start();
    const ev = inspection({ vehicle: { plate: '晋C7K245', kind: 'car', direction: 'inbound' }, findings: { suspicious: true, indicators: ['hidden_compartment'], note: '后备箱夹层发现可疑包裹' } });
    const t0 = Date.now();
    await produce([ev]);
    // Searchable = visible to a search without forcing a refresh.
    await eventually('the event in search', async () => {
      const r = await ns.es.search({ index: `${ns.indexPrefix}events`, query: { term: { eventId: String(ev.eventId) } } }).catch(() => undefined);
      return r && r.hits.hits.length ? true : undefined;
    }, 5_000, 50);
    expect(Date.now() - t0).toBeLessThan(2_000);

    const partial = await ns.es.search({ index: `${ns.indexPrefix}events`, query: { bool: { filter: [{ term: { plateGrams: 'C7K' } }, { term: { plateGrams: '45' } }] } } });
    expect(partial.hits.hits).toHaveLength(1);
    const phrase = await ns.es.search({ index: `${ns.indexPrefix}events`, query: { match_phrase: { text: '夹层' } } });
    expect(phrase.hits.hits).toHaveLength(1);

    await produce([ev]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await countById(String(ev.eventId))).toBe(1);
    await indexer.stop();
  });

  it('loses nothing and doubles nothing when Elasticsearch is unreachable, then catches up', async () => {
    const dead = createElasticsearch('http://127.0.0.1:1', { maxRetries: 0, requestTimeoutMs: 1000 });
    const events = [seizure(), inspection(), inspection()];
    const down = buildIndexer(loadIndexerConfig(ns.env), { logger: ns.logger, kafka: ns.kafka, es: dead });
    await down.start();
    await produce(events);
    await new Promise((r) => setTimeout(r, 4000));
    const notReady = await down.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    for (const e of events) expect(await countById(String(e.eventId))).toBe(0);
    await down.stop();

    const up = buildIndexer(loadIndexerConfig(ns.env), { logger: ns.logger, kafka: ns.kafka });
    await up.start();
    for (const e of events) await eventually(`event ${String(e.eventId)} indexed`, async () => ((await countById(String(e.eventId))) === 1 ? true : undefined), 30_000, 200);
    await new Promise((r) => setTimeout(r, 1000));
    for (const e of events) expect(await countById(String(e.eventId))).toBe(1);
    await up.stop();
  });
});
