import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import { createTransactionalStage, type StageLogic, type TransactionalStage } from '../../services/rules/src/transactional-stage';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { collect } from './rules-harness';

/**
 * An instance whose transaction hangs past its session timeout loses its partitions; another instance reads the
 * committed offsets and processes the same records. kafkajs' TxnOffsetCommit carries no group generation, so the
 * broker would take the first instance's late commit too: the same outputs twice (two hit records in a chaos run).
 * The stage confirms its membership right before committing and aborts instead.
 */
describe('transactional stage, an instance that lost its partitions while its transaction hung', () => {
  let ns: Namespace;
  const stages: TransactionalStage[] = [];
  beforeAll(async () => {
    ns = await createNamespace('rules-zombie', { partitions: 1 });
  });
  afterAll(async () => {
    for (const s of stages) await s.stop().catch(() => undefined);
    await ns?.cleanup();
  });

  it('does not commit after another instance took over: each record is output once', async () => {
    const input = ns.topics.events;
    const output = ns.topics.deadLetters;
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, acks: -1, messages: [{ partition: 0, key: 'k', value: JSON.stringify({ n: 1 }) }] });
    await producer.disconnect();

    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    let aStarted = false;
    const logicOf = (name: string, hang: boolean): StageLogic => ({
      async process(_p, messages: KafkaMessage[]) {
        if (hang) {
          aStarted = true;
          await hung;
        }
        return [{ topic: output, messages: messages.map((m) => ({ partition: 0, key: 'k', value: JSON.stringify({ n: (JSON.parse(m.value!.toString()) as { n: number }).n, by: name }) })) }];
      },
      rebuild: async () => undefined,
      drop: () => undefined,
    });
    const stage = (name: string, hang: boolean) =>
      createTransactionalStage({
        kafka: ns.kafka,
        logger: createLogger({ level: 'silent', name: `test-zombie-${name}` }),
        topic: input,
        groupId: `${ns.topicPrefix}zombie`,
        transactionalId: `${ns.topicPrefix}zombie-${name}`,
        chunkSize: 10,
        transactionTimeoutMs: 60_000,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 1_000,
        logic: logicOf(name, hang),
      });
    const seen = await collect(ns, output, (v) => v as { n: number; by: string });

    const a = stage('a', true);
    stages.push(a);
    await a.start();
    await eventually('instance a to be processing the record', () => (aStarted ? true : undefined), 30_000);
    // a sends no heartbeat while it hangs: past its 6 s session the group drops it, and b gets the partition.
    await new Promise((r) => setTimeout(r, 8_000));
    const b = stage('b', false);
    stages.push(b);
    await b.start();
    await seen.until('instance b to output the record', (items) => (items.some((i) => i.by === 'b') ? true : undefined), 30_000);
    // a's transaction now goes on to its commit, which must not happen.
    release();
    await new Promise((r) => setTimeout(r, 4_000));
    await seen.stop();
    expect(seen.items).toEqual([{ n: 1, by: 'b' }]);
  }, 90_000);
});
