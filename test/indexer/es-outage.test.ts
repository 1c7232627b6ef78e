import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { startPrivateStack, type PrivateStack } from '../support/private-stack';
import { drugTest, inspection, seizure } from '../support/sample-events';

type Json = Record<string, unknown>;

// Its own Elasticsearch node on its own ports: this test kills it, and the shared one on 19200 must keep
// running. Kafka is the shared broker (nothing happens to it here).
const ES_PORT = Number(process.env.OUTAGE_ES_PORT ?? 25200);
/**
 * How long Elasticsearch stays down before it is started again (its restart then adds ~10–25 s). 20 s in
 * `npm test`, to fit the CI budget; the "a minute" is the documented run:
 * `ES_OUTAGE_SECONDS=60 npx vitest run test/indexer/es-outage.test.ts`. 20 s is already four times the bulk
 * writer's longest backoff; 60 s also outlasts the consumer's 30 s session timeout, so it shows the
 * heartbeats keep the partitions assigned while a bulk waits.
 */
const OUTAGE_MS = Number(process.env.ES_OUTAGE_SECONDS ?? 20) * 1000;

describe('indexer while its Elasticsearch node is killed and restarted', () => {
  let stack: PrivateStack | undefined;
  let ns: Namespace;
  let indexer: Indexer | undefined;
  beforeAll(async () => {
    stack = await startPrivateStack({ label: 'indexer', engines: ['elasticsearch'], kafkaPort: 25192, esPort: ES_PORT });
    ns = await createNamespace('es-outage', { engines: { esUrl: stack.esUrl } });
  });
  afterAll(async () => {
    try {
      await indexer?.stop();
      await ns?.cleanup();
    } finally {
      await stack?.stop();
    }
  });

  it('loses nothing and doubles nothing: every event produced before, during and after the outage is indexed exactly once, nothing dead-lettered, no lag', async () => {
    indexer = buildIndexer(loadIndexerConfig({ ...ns.env }), { logger: ns.logger, kafka: ns.kafka });
    await indexer.start();
    const ready = async () => (await indexer!.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
    await eventually('the indexer ready', async () => ((await ready()) === 200 ? true : undefined), 60_000, 200);

    const index = `${ns.indexPrefix}events`;
    const group = `${ns.topicPrefix}indexer`;
    const indexedCount = async () => {
      await ns.es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
      return (await ns.es.count({ index, ignore_unavailable: true, allow_no_indices: true })).count;
    };
    const committed = async () => {
      const [t] = await ns.admin.fetchOffsets({ groupId: group, topics: [ns.topics.events] });
      return t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    };
    const highWatermarks = async (topic: string) => (await ns.admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

    // A stream of events the way the gateway writes them, with an occasional message sent twice (a
    // producer retry, a replay) that must still be one document.
    const produced = new Set<string>();
    const producer = ns.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let loadOn = true;
    let sentTwice = 0;
    const sample = [inspection, drugTest, seizure];
    const load = (async () => {
      let last: Json | undefined;
      for (let round = 0; loadOn; round++) {
        const events: Json[] = Array.from({ length: 5 }, (_, i) => sample[(round + i) % 3]!());
        if (last && round % 10 === 0) {
          events.push(last);
          sentTwice++;
        }
        await producer.send({
          topic: ns.topics.events,
          acks: -1,
          messages: events.map((e) => {
            const value = JSON.stringify(e);
            return { key: String(e.checkpointId), value, headers: { 'event-id': String(e.eventId), 'body-sha256': createHash('sha256').update(value).digest('hex') } };
          }),
        });
        for (const e of events) produced.add(String(e.eventId));
        last = events[0];
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    try {
      await eventually('events indexed before the outage', async () => ((await indexedCount()) >= 100 ? true : undefined), 60_000, 200);
      await stack!.kill('elasticsearch');
      const killedAt = Date.now();
      const producedAtKill = produced.size;
      await eventually('the indexer not ready while Elasticsearch is down', async () => ((await ready()) === 503 ? true : undefined), 20_000, 200);
      // With Elasticsearch gone nothing can be indexed, so nothing may be committed either.
      const committedWhileDown = await committed();
      await new Promise((r) => setTimeout(r, Math.max(0, killedAt + OUTAGE_MS - Date.now())));
      expect(await committed()).toBe(committedWhileDown);
      expect(produced.size).toBeGreaterThan(producedAtKill);
      await stack!.start('elasticsearch');
      const restartedAt = Date.now();
      const producedAtRestart = produced.size;
      await eventually('events produced after the restart', () => (produced.size >= producedAtRestart + 50 ? true : undefined), 30_000, 100);
      loadOn = false;
      await load;

      await eventually('the indexer to catch up (no lag)', async () => ((await committed()) === (await highWatermarks(ns.topics.events)) ? true : undefined), 120_000, 500);
      await eventually('the indexer ready again', async () => ((await ready()) === 200 ? true : undefined), 20_000, 200);
      const ids = [...produced];
      // Every produced event is there under its own _id, and nothing else is.
      expect(await indexedCount()).toBe(ids.length);
      expect((await ns.es.count({ index, query: { ids: { values: ids } } })).count).toBe(ids.length);
      // One document per eventId across the monthly indices behind the alias.
      const doubled = await ns.es.search({ index, size: 0, aggs: { doubled: { terms: { field: 'eventId', min_doc_count: 2, size: 10 } } } });
      expect((doubled.aggregations?.doubled as { buckets: unknown[] }).buckets).toEqual([]);
      // A transient outage is not a reason to give up on a document.
      expect(await highWatermarks(ns.topics.deadLetters)).toBe(0);
      process.stderr.write(
        `[es-outage] ${ids.length} events (${sentTwice} sent twice), ${producedAtRestart - producedAtKill} produced while Elasticsearch was unreachable (killed, ${OUTAGE_MS / 1000} s down, restarted: ${((restartedAt - killedAt) / 1000).toFixed(0)} s in all); all indexed once, lag 0, no dead letters\n`,
      );
    } finally {
      loadOn = false;
      await load.catch(() => undefined);
      await producer.disconnect();
    }
  }, 420_000);
});
