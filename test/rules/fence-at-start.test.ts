import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageLogic, TransactionalStage } from '../../services/rules/src/transactional-stage';
import { createNamespace, type Namespace } from '../support/namespace';
import { testStage } from './rules-harness';

/**
 * A rules instance killed mid-transaction leaves it open, and every read_committed reader of the partitions it wrote
 * (the console's alerts) waits until the transaction is aborted. The restarted instance registers its transactional
 * ids as it starts — before it has partitions or anything to commit — which aborts the old transaction at once instead
 * of at the coordinator's timeout (chaos run s21-1: hits held back ~20 s after a kill).
 */
describe('transactional stage, restarted after a kill mid-transaction', () => {
  let ns: Namespace;
  let stage: TransactionalStage | undefined;
  const producers: Producer[] = [];
  beforeAll(async () => {
    ns = await createNamespace('rules-fence-start', { partitions: 1 });
  });
  afterAll(async () => {
    await stage?.stop();
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
    await ns?.cleanup();
  });

  it('aborts the dead incarnation’s open transaction as it starts, so readers are not held back', async () => {
    const output = ns.topics.hits;
    const transactionalId = `${ns.topicPrefix}fence-1`; // the stage's own (testStage 'fence')
    // The dead incarnation: same transactional id, a record written, never committed (timeout far beyond the test).
    const dead = ns.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 120_000 });
    producers.push(dead);
    await dead.connect();
    const open = await dead.transaction();
    await open.send({ topic: output, acks: -1, messages: [{ partition: 0, value: 'from the killed instance' }] });

    // Nothing arrives on its input: the stage never gets to a transaction of its own.
    stage = testStage(ns, 'fence', ns.topics.events, { process: () => [], rebuild: async () => undefined, drop: () => undefined });
    await stage.start();

    // Another producer commits after the open transaction's record: a read_committed reader gets it only once that
    // transaction is settled.
    const other = ns.kafka.producer({ transactionalId: `${ns.topicPrefix}other`, idempotent: true, maxInFlightRequests: 1 });
    producers.push(other);
    await other.connect();
    const t = await other.transaction();
    await t.send({ topic: output, acks: -1, messages: [{ partition: 0, value: 'committed' }] });
    await t.commit();

    const seen: string[] = [];
    const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}reader`, readUncommitted: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: output, fromBeginning: true });
      const got = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
            if (message.value!.toString() === 'committed') resolve();
          },
        });
      });
      // Far inside the dead transaction's 120 s timeout.
      await Promise.race([got, new Promise((_, reject) => setTimeout(() => reject(new Error(`readers still held back after 15 s; read ${JSON.stringify(seen)}`)), 15_000))]);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['committed']);
  }, 60_000);

  it('starts and commits all the same when registering an id at start fails', async () => {
    // The first transaction() of the first producer made fails; the stage puts a new producer in its place.
    let injected = false;
    const kafka = Object.create(ns.kafka) as Kafka;
    kafka.producer = (config?: ProducerConfig) => {
      const p = ns.kafka.producer(config);
      producers.push(p);
      const transaction = p.transaction.bind(p);
      p.transaction = async () => {
        if (!injected) {
          injected = true;
          throw new Error('injected: InitProducerId failed');
        }
        return transaction();
      };
      return p;
    };
    const input = ns.topics.events;
    const output = ns.topics.deadLetters;
    const copyToOutput: StageLogic = { process: (_p, messages) => [{ topic: output, messages: messages.map((m) => ({ partition: 0, value: m.value })) }], rebuild: async () => undefined, drop: () => undefined };
    const started = testStage(ns, 'fence-fails', input, copyToOutput, { kafka });
    try {
      await started.start();
      expect(injected).toBe(true);
      const writer = ns.kafka.producer();
      producers.push(writer);
      await writer.connect();
      await writer.send({ topic: input, acks: -1, messages: [0, 1, 2].map((n) => ({ partition: 0, value: `event ${n}` })) });
      const seen: string[] = [];
      const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}reader-2`, readUncommitted: false, maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: output, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          setTimeout(() => reject(new Error(`nothing committed after 20 s; read ${JSON.stringify(seen)}`)), 20_000).unref();
          void consumer.run({
            eachMessage: async ({ message }) => {
              seen.push(message.value!.toString());
              if (seen.length === 3) resolve();
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      expect(seen).toEqual(['event 0', 'event 1', 'event 2']);
    } finally {
      await started.stop();
    }
  }, 60_000);
});
