import { writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import { ensureStack } from '../infra/stack/stack';
import { createKafka } from '../lib/kafka';
import { createElasticsearch } from '../lib/elasticsearch';
import { createLogger } from '../lib/logger';
import { ensureTopics, topicNames } from '../infra/topics';
import { describeMachine } from './machine';
import { inspection } from '../test/support/sample-events';
import { writeTransaction } from '../services/rules/src/transactional-stage';
import { createHttpClient } from './lib/http-client';

/**
 * The ceiling of each stage on the same payloads, so end-to-end figures can be read as ratios that hold on
 * a noisy machine: raw kafkajs produce (acks=all, batches) and consume, raw Elasticsearch bulk, a no-op
 * fastify route over HTTP keep-alive, and the floor of one Kafka transaction (the rules stages' unit of work:
 * offsets, records, commit), back to back on one producer and on two taking turns.
 *   npx tsx bench/ceilings.bench.ts [--quick] [--out file.json]
 */
const quick = process.argv.includes('--quick');
const N = quick ? 20_000 : 100_000;
const say = (m: string) => process.stderr.write(`${m}\n`);

/** One inspection as a terminal sends it, as JSON (`i` varies the plate). */
const sampleInspection = (i: number): string =>
  JSON.stringify(inspection({ schemaVersion: 1, vehicle: { plate: `晋C${String(10000 + (i % 89999))}`, plateColor: 'blue', kind: 'car', direction: 'inbound' } }));

async function main(): Promise<void> {
  const { kafkaBrokers, esUrl } = await ensureStack({ log: say });
  // error, not warn: kafkajs reports each CONCURRENT_TRANSACTIONS answer that the transaction floor retries.
  const logger = createLogger({ level: 'error', name: 'bench' });
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'bench-ceilings', logger });
  const prefix = `bench${Date.now()}.`;
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { prefix, partitions: 6, brokers: kafkaBrokers.length });
  const topic = topicNames(prefix).events;
  const payloads = Array.from({ length: N }, (_, i) => sampleInspection(i));

  say(`kafka produce: ${N} messages, acks=all, idempotent, batches of 500`);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let t = performance.now();
  for (let i = 0; i < N; i += 500) {
    await producer.send({ topic, acks: -1, messages: payloads.slice(i, i + 500).map((value, j) => ({ key: `CP-${(i + j) % 12}`, value })) });
  }
  const produceRate = N / ((performance.now() - t) / 1000);
  await producer.disconnect();

  say('kafka consume');
  const consumer = kafka.consumer({ groupId: `${prefix}g`, maxBytes: 10 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let got = 0;
  t = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) JSON.parse(m.value!.toString());
        got += batch.messages.length;
        if (got >= N) resolve();
      },
    });
  });
  const consumeRate = N / ((performance.now() - t) / 1000);
  await consumer.disconnect();

  say('elasticsearch bulk: batches of 2,000');
  const es = createElasticsearch(esUrl);
  const index = `${prefix.replace('.', '')}-ceiling`;
  await es.indices.create({ index, settings: { number_of_replicas: 0, refresh_interval: '1s' } });
  t = performance.now();
  for (let i = 0; i < N; i += 2000) {
    const body = payloads.slice(i, i + 2000).flatMap((p) => {
      const doc = JSON.parse(p) as { eventId: string };
      return [{ index: { _index: index, _id: doc.eventId } }, doc];
    });
    const r = await es.bulk({ operations: body });
    if (r.errors) throw new Error('bulk errors');
  }
  const bulkRate = N / ((performance.now() - t) / 1000);
  await es.indices.delete({ index });

  say('no-op fastify route: 64 requests in flight over keep-alive sockets (bench/lib/http-client.ts, the client the end-to-end phases use)');
  const app = Fastify();
  app.post('/noop', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const client = createHttpClient(`http://127.0.0.1:${port}`, { maxSockets: 64 });
  const httpN = quick ? 10_000 : 40_000;
  let sent = 0;
  t = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (sent < httpN) {
        const res = await client.post('/noop', payloads[sent++ % N]!);
        if (res.status !== 200) throw new Error(`no-op route answered ${res.status}: ${res.body}`);
      }
    }),
  );
  const httpRate = httpN / ((performance.now() - t) / 1000);
  client.close();
  await app.close();

  say('kafka transactions: offsets + 6 records on 6 partitions + commit, back to back (1 producer, then 2 taking turns)');
  const names = topicNames(prefix);
  const txnN = quick ? 100 : 300;
  const transactions = { oneProducer: await transactionFloor(kafka, `${prefix}txn-1`, 1, txnN, names.events, names.hits), twoProducers: await transactionFloor(kafka, `${prefix}txn-2`, 2, txnN, names.events, names.hits) };

  const mine = (await admin.listTopics()).filter((x) => x.startsWith(prefix));
  await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
  await es.close();

  const result = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    brokers: kafkaBrokers.length,
    messages: N,
    ceilings: {
      kafkaProduceEventsPerSec: Math.round(produceRate),
      kafkaConsumeEventsPerSec: Math.round(consumeRate),
      esBulkDocsPerSec: Math.round(bulkRate),
      fastifyNoopRequestsPerSec: Math.round(httpRate),
      kafkaTransactionMs: transactions.twoProducers.meanMs,
    },
    transactions,
  };
  const out = process.argv.indexOf('--out');
  const file = out > 0 ? process.argv[out + 1]! : `bench/results/${result.date.slice(0, 10)}-ceilings${quick ? '-quick' : ''}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`${JSON.stringify(result.ceilings, null, 2)}\nwritten ${file}\n`);
}

/**
 * What one transaction of a rules stage costs with nothing else in it: `n` transactions one after another, each
 * committing an input offset and writing one small record to each of 6 partitions, both at once as the stages write
 * them (writeTransaction: `offsets` and `send` are each timed from their common start). Mean ms per step, and how
 * often the coordinator answered CONCURRENT_TRANSACTIONS (the previous commit's markers not yet written).
 */
async function transactionFloor(kafka: ReturnType<typeof createKafka>, id: string, producersCount: number, n: number, inputTopic: string, outputTopic: string) {
  const producers = Array.from({ length: producersCount }, (_, i) => kafka.producer({ transactionalId: `${id}-${i}`, idempotent: true, maxInFlightRequests: 2, retry: { initialRetryTime: 5, retries: 30 } }));
  await Promise.all(producers.map((p) => p.connect()));
  const ms = { offsets: 0, send: 0, commit: 0 };
  let concurrent = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const txn = await producers[i % producersCount]!.transaction();
    let mark = performance.now();
    const step = (k: keyof typeof ms) => {
      const now = performance.now();
      ms[k] += now - mark;
      mark = now;
    };
    const written = await writeTransaction(txn, { consumerGroupId: `${id}-g`, topics: [{ topic: inputTopic, partitions: [{ partition: i % 6, offset: String(i + 1) }] }] }, [{ topic: outputTopic, messages: Array.from({ length: 6 }, (_, k) => ({ partition: k, key: `k${k}`, value: sampleInspection(i) })) }], () => concurrent++);
    ms.offsets += written.offsetsMs;
    ms.send += written.sendMs;
    mark = performance.now();
    await txn.commit();
    step('commit');
  }
  const total = performance.now() - t0;
  await Promise.all(producers.map((p) => p.disconnect()));
  const r = (x: number) => Math.round(x * 100) / 100;
  return { producers: producersCount, transactions: n, meanMs: r(total / n), stepMeanMs: { offsets: r(ms.offsets / n), send: r(ms.send / n), commit: r(ms.commit / n) }, concurrentTransactionsRetries: concurrent };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
