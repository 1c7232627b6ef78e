import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageLogic, TransactionalStage } from '../../services/rules/src/transactional-stage';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { collect, testStage } from './rules-harness';

/**
 * A transaction that fails with an error kafkajs deems non-retriable (here a record over the broker's limit; after a
 * broker crash, OUT_OF_ORDER_SEQUENCE_NUMBER) stops the stage's consumer for good. Nothing of the failed chunk or
 * after it may be committed, and the stage must say it is no longer healthy (the rules service's /readyz) instead of
 * sitting idle behind a green one; nothing restarts the process by itself.
 */
describe('transactional stage, a failed transaction', () => {
  let ns: Namespace;
  let stage: TransactionalStage | undefined;
  beforeAll(async () => {
    ns = await createNamespace('rules-failed-txn');
  });
  afterAll(async () => {
    await stage?.stop();
    await ns?.cleanup();
  });

  it('commits everything before the failed chunk, nothing of it or after it, and reports itself unhealthy', async () => {
    const input = ns.topics.events;
    const output = ns.topics.deadLetters;
    const total = 60;
    // One send, one partition: the stage fetches them as one batch and cuts it into chunks of 5.
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, acks: -1, messages: Array.from({ length: total }, (_, n) => ({ partition: 0, key: 'k', value: JSON.stringify({ n }) })) });
    await producer.disconnect();

    const committed: number[] = [];
    const logic: StageLogic = {
      process(_p, messages: KafkaMessage[]) {
        const numbers = messages.map((m) => (JSON.parse(m.value!.toString()) as { n: number }).n);
        const out = numbers.map((n) => ({ partition: 0, key: 'k', value: JSON.stringify({ n }) }));
        // The chunk holding 23 (20–24) carries a record past the broker's 1 MB limit.
        if (numbers.includes(23)) out.push({ partition: 0, key: 'k', value: 'x'.repeat(1_500_000) });
        return [{ topic: output, messages: out }];
      },
      rebuild: async () => undefined,
      drop: () => undefined,
      committed: (_p, outputs) => {
        for (const t of outputs) for (const m of t.messages) committed.push((JSON.parse(String(m.value)) as { n: number }).n);
      },
    };
    const seen = await collect(ns, output, (v) => (v as { n: number }).n);
    stage = testStage(ns, 'failed-txn', input, logic);
    await stage.start();
    expect(stage.healthy()).toBe(true);

    await eventually('the stage to report itself unhealthy', () => (stage!.healthy() ? undefined : true), 30_000);
    await seen.until('the chunks before the failed one committed', (items) => (items.length >= 20 ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await seen.stop();
    const before = Array.from({ length: 20 }, (_, n) => n);
    expect(seen.items).toEqual(before);
    expect(committed).toEqual(before);
    const [offsets] = await ns.admin.fetchOffsets({ groupId: `${ns.topicPrefix}failed-txn`, topics: [input] });
    expect(offsets?.partitions.find((p) => p.partition === 0)?.offset).toBe('20');
  });
});
