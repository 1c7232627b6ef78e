import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, type Namespace } from '../support/namespace';

/**
 * A read_committed consumer must not see a record of a transaction that was aborted after another one that began
 * later — what a rules instance killed mid-transaction leaves behind when the coordinator aborts its transaction on
 * the timeout while other producers go on (chaos run s21-1: the aborted copy of a hit was read as committed). The
 * broker lists the aborted transactions of a fetch in the order of their abort markers; kafkajs 2.2.4 assumed first
 * offsets and let the earlier-begun one through (patched, `lib/kafkajs-aborted.test.ts` for the filter itself). On
 * the real broker here: nothing of either aborted transaction is read, the committed record after them is.
 */
describe('kafkajs read_committed on the real broker: transactions aborted out of order', () => {
  let ns: Namespace;
  const producers: Producer[] = [];
  beforeAll(async () => {
    ns = await createNamespace('aborted-read', { partitions: 1 });
  });
  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
    await ns?.cleanup();
  });

  it('drops the records of both aborted transactions and delivers the committed one', async () => {
    const topic = ns.topics.hits;
    const transactional = async (name: string) => {
      const p = ns.kafka.producer({ transactionalId: `${ns.topicPrefix}${name}`, idempotent: true, maxInFlightRequests: 1 });
      producers.push(p);
      await p.connect();
      return p;
    };
    const [early, late, committer] = await Promise.all([transactional('early'), transactional('late'), transactional('committer')]);
    // `early` writes first and stays open; `late` writes after it and aborts first; a third commits; then `early` aborts.
    const t1 = await early.transaction();
    await t1.send({ topic, acks: -1, messages: [{ partition: 0, value: 'early (aborted)' }] });
    const t2 = await late.transaction();
    await t2.send({ topic, acks: -1, messages: [{ partition: 0, value: 'late (aborted)' }] });
    await t2.abort();
    const t3 = await committer.transaction();
    await t3.send({ topic, acks: -1, messages: [{ partition: 0, value: 'committed' }] });
    await t3.commit();
    await t1.abort();
    const after = await committer.transaction();
    await after.send({ topic, acks: -1, messages: [{ partition: 0, value: 'end' }] });
    await after.commit();

    const seen: string[] = [];
    const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}reader`, readUncommitted: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
            if (message.value!.toString() === 'end') resolve();
          },
        });
      });
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out; read ${JSON.stringify(seen)}`)), 30_000))]);
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['committed', 'end']);
  }, 60_000);
});
