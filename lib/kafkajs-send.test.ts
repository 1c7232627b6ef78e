import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch, applied by `npm install`'s postinstall): when one broker's
// produce request fails, its send retries only after the requests to the other brokers have settled. Unpatched, the
// retry re-sent every request still in flight with new sequence numbers — the same records twice in one committed
// transaction, seen in the chaos runs when a broker died mid-send. This drives kafkajs' own send loop with two fake
// brokers at its seam (the cluster and the transaction manager), so it fails if the patch is not applied.
const require = createRequire(import.meta.url);
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (deps: unknown) => (req: unknown) => Promise<unknown[]>;
const createRetry = require('kafkajs/src/retry/index.js') as (opts: unknown) => unknown;

interface ProduceCall {
  broker: number;
  partitions: { partition: number; firstSequence: number; messages: unknown[] }[];
}

function harness(produce: Record<number, (call: number) => Promise<void>>) {
  const calls: ProduceCall[] = [];
  const sequences = new Map<string, number>();
  const brokers = new Map(
    [1, 2].map((nodeId) => {
      let n = 0;
      return [
        nodeId,
        {
          nodeId,
          async produce({ topicData }: { topicData: { topicName?: string; topic: string; partitions: ProduceCall['partitions'] }[] }) {
            calls.push({ broker: nodeId, partitions: topicData.flatMap((t) => t.partitions.map((p) => ({ partition: p.partition, firstSequence: p.firstSequence, messages: p.messages }))) });
            await produce[nodeId]!(n++);
            return { topics: topicData.map((t) => ({ topicName: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })) })) };
          },
        },
      ];
    }),
  );
  const cluster = {
    refreshMetadataIfNecessary: async () => {},
    refreshMetadata: async () => {},
    addMultipleTargetTopics: async () => {},
    isConnected: () => true,
    removeBroker: () => {},
    findTopicPartitionMetadata: () => [
      { partitionId: 0, leader: 1 },
      { partitionId: 1, leader: 2 },
    ],
    findLeaderForPartitions: (_topic: string, partitions: string[]) => Object.fromEntries(partitions.map((p) => [Number(p) + 1, [Number(p)]])),
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers.get(Number(nodeId)),
  };
  const eosManager = {
    isTransactional: () => true,
    addPartitionsToTransaction: async () => {},
    getTransactionalId: () => 'txn',
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
    getSequence: (topic: string, partition: number) => sequences.get(`${topic}:${partition}`) ?? 0,
    updateSequence: (topic: string, partition: number, by: number) => sequences.set(`${topic}:${partition}`, (sequences.get(`${topic}:${partition}`) ?? 0) + by),
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
  };
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const send = createSendMessages({
    logger,
    cluster,
    eosManager,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    retrier: createRetry({ initialRetryTime: 5, maxRetryTime: 50, retries: 5, factor: 0, multiplier: 1 }),
  });
  const messages = [0, 1].flatMap((partition) => [0, 1, 2].map((i) => ({ partition, value: `${partition}-${i}` })));
  return { calls, sequences, run: () => send({ acks: -1, timeout: 30_000, topicMessages: [{ topic: 'hits', messages }] }) };
}

const connectionLost = () => Object.assign(new Error('Connection error: broker 1 went away'), { name: 'KafkaJSConnectionError', retriable: true });
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('kafkajs send across brokers (patched)', () => {
  it('does not send a request again while it is still in flight when another broker fails', async () => {
    // Broker 1 fails at once, then answers; broker 2 answers well after the first retry would have fired.
    const h = harness({ 1: async (n) => (n === 0 ? Promise.reject<void>(connectionLost()) : undefined), 2: () => delay(200) });
    const responses = await h.run();
    expect(h.calls.filter((c) => c.broker === 2)).toHaveLength(1);
    // Broker 1's partition was sent twice with the same sequence numbers, so the broker drops the second if the
    // first had in fact been appended.
    const toBroker1 = h.calls.filter((c) => c.broker === 1);
    expect(toBroker1.map((c) => c.partitions[0]!.firstSequence)).toEqual([0, 0]);
    expect(h.sequences.get('hits:0')).toBe(3);
    expect(h.sequences.get('hits:1')).toBe(3);
    expect(responses).toHaveLength(2);
  });

  it('retries every failed request with its own sequence numbers when both brokers fail', async () => {
    const h = harness({ 1: async (n) => (n === 0 ? Promise.reject<void>(connectionLost()) : undefined), 2: async (n) => (n === 0 ? delay(50).then(() => Promise.reject<void>(connectionLost())) : undefined) });
    await h.run();
    expect(h.calls.map((c) => [c.broker, c.partitions[0]!.firstSequence]).sort()).toEqual([
      [1, 0],
      [1, 0],
      [2, 0],
      [2, 0],
    ]);
    expect(h.sequences.get('hits:0')).toBe(3);
    expect(h.sequences.get('hits:1')).toBe(3);
  });
});
