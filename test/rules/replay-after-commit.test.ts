import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageLogic, TransactionalStage } from '../../services/rules/src/transactional-stage';
import { createNamespace, type Namespace } from '../support/namespace';
import { collect, testStage } from './rules-harness';

/**
 * A batch that fails after its chunk's transaction committed is fetched again by kafkajs from the last offset the
 * stage resolved — behind the group's committed offset. (The same happens when a commit's answer is lost but the
 * commit landed.) The records before the committed offset are in the stage's state already: they must not be
 * processed and output a second time.
 */
describe('transactional stage, a batch fetched again after its transaction committed', () => {
  let ns: Namespace;
  let stage: TransactionalStage | undefined;
  beforeAll(async () => {
    ns = await createNamespace('rules-replay-commit', { partitions: 1 });
  });
  afterAll(async () => {
    await stage?.stop();
    await ns?.cleanup();
  });

  it('outputs every record once', async () => {
    const input = ns.topics.events;
    const output = ns.topics.deadLetters;
    const total = 20;
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, acks: -1, messages: Array.from({ length: total }, (_, n) => ({ partition: 0, key: 'k', value: JSON.stringify({ n }) })) });
    await producer.disconnect();

    let failedOnce = false;
    const logic: StageLogic = {
      process(_p, messages: KafkaMessage[]) {
        return [{ topic: output, messages: messages.map((m) => ({ partition: 0, key: 'k', value: m.value!.toString() })) }];
      },
      rebuild: async () => undefined,
      drop: () => undefined,
      // The first chunk's transaction commits, then the batch fails: kafkajs fetches from before that chunk again.
      committed: () => {
        if (failedOnce) return;
        failedOnce = true;
        throw new Error('failure after the commit');
      },
    };
    const seen = await collect(ns, output, (v) => (v as { n: number }).n);
    stage = testStage(ns, 'replay-commit', input, logic);
    await stage.start();
    await seen.until('every record output', (items) => (items.length >= total ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    await seen.stop();
    expect(failedOnce).toBe(true);
    expect(seen.items).toEqual(Array.from({ length: total }, (_, n) => n));
  }, 60_000);
});
