import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import { createTransactionalStage, type StageLogic, type TransactionalStage } from '../../services/rules/src/transactional-stage';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { collect } from './rules-harness';

/**
 * A chunk whose transaction fails is consumed and judged again, and no later chunk of its partition commits before
 * it does (its offsets would pass the failed chunk's records, whose outputs were never written). The failure here
 * is one kafkajs deems non-retriable (a record over the broker's limit), which used to stop the stage's consumer.
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

  it('re-judges a chunk whose transaction failed and commits nothing after it first: every output once, in order', async () => {
    const input = ns.topics.events;
    const output = ns.topics.deadLetters;
    const total = 60;
    // One send, one partition: the stage fetches them as one batch and cuts it into chunks of 5.
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, acks: -1, messages: Array.from({ length: total }, (_, n) => ({ partition: 0, key: 'k', value: JSON.stringify({ n }) })) });
    await producer.disconnect();

    let failed = 0;
    const drops: number[] = [];
    const committed: number[] = [];
    const logic: StageLogic = {
      process(_p, messages: KafkaMessage[]) {
        const ns_ = messages.map((m) => (JSON.parse(m.value!.toString()) as { n: number }).n);
        const out = ns_.map((n) => ({ partition: 0, key: 'k', value: JSON.stringify({ n }) }));
        // The chunk holding 23 fails its first transaction: a record past the broker's 1 MB limit.
        if (ns_.includes(23) && failed === 0) {
          failed++;
          out.push({ partition: 0, key: 'k', value: 'x'.repeat(1_500_000) });
        }
        return [{ topic: output, messages: out }];
      },
      rebuild: async () => undefined,
      drop: (p) => void drops.push(p),
      committed: (_p, outputs) => {
        for (const t of outputs) for (const m of t.messages) committed.push((JSON.parse(String(m.value)) as { n: number }).n);
      },
    };
    const seen = await collect(ns, output, (v) => (v as { n: number }).n);
    stage = createTransactionalStage({
      kafka: ns.kafka,
      logger: createLogger({ level: 'silent', name: 'test-failed-txn' }),
      topic: input,
      groupId: `${ns.topicPrefix}failed-txn`,
      transactionalId: `${ns.topicPrefix}failed-txn-1`,
      chunkSize: 5,
      transactionTimeoutMs: 10_000,
      logic,
    });
    await stage.start();

    await seen.until('every output committed', (items) => (items.length >= total ? true : undefined), 60_000);
    // Nothing more arrives after a settle: no chunk was committed twice.
    await new Promise((r) => setTimeout(r, 1_000));
    await seen.stop();
    expect(failed).toBe(1);
    expect(drops).toContain(0);
    expect(seen.items).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(committed).toEqual(Array.from({ length: total }, (_, n) => n));
    await eventually('the group committed past every input', async () => {
      const [offsets] = await ns.admin.fetchOffsets({ groupId: `${ns.topicPrefix}failed-txn`, topics: [input] });
      return offsets?.partitions.find((p) => p.partition === 0)?.offset === String(total) ? true : undefined;
    });
  });
});
