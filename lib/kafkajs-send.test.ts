import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch, applied by `npm install`'s postinstall): a send tracks what
// was written per partition, and when one broker's produce request fails it retries only after the requests to the
// other brokers have settled, sending just the partitions not written yet to their current leaders. Unpatched, the
// retry re-sent every request still in flight with new sequence numbers (the same records twice in one committed
// transaction, seen in the chaos runs when a broker died mid-send), and skipped every broker that had answered — so
// partitions whose leadership moved to such a broker were silently never sent. This drives kafkajs' own send loop
// with two fake brokers at its seam (the cluster and the transaction manager), so it fails if the patch is missing.
const require = createRequire(import.meta.url);
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (deps: unknown) => (req: unknown) => Promise<unknown[]>;
const createRetry = require('kafkajs/src/retry/index.js') as (opts: unknown) => unknown;

interface ProduceCall {
  broker: number;
  partitions: { partition: number; firstSequence: number; messages: unknown[] }[];
}

type Partitioner = (args: { message: { partition: number } }) => number;

function harness(
  produce: Record<number, (call: number) => Promise<void>>,
  opts: { afterRefresh?: Record<number, number>; partitioner?: Partitioner; messages?: Array<{ partition: number; value: string }>; transactional?: boolean; initProducerId?: () => Promise<void> } = {},
) {
  let inits = 0;
  const calls: ProduceCall[] = [];
  // Partition → leader; `afterRefresh` moves leaders when kafkajs refreshes the metadata after a failure.
  let leaders: Record<number, number> = { 0: 1, 1: 2 };
  let removed = 0;
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
    refreshMetadata: async () => {
      if (opts.afterRefresh) leaders = { ...opts.afterRefresh };
    },
    addMultipleTargetTopics: async () => {},
    isConnected: () => true,
    removeBroker: () => void removed++,
    findTopicPartitionMetadata: () => [
      { partitionId: 0, leader: leaders[0] },
      { partitionId: 1, leader: leaders[1] },
    ],
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      // As kafkajs' own: a partition missing from the metadata is left out.
      for (const p of partitions) if (leaders[Number(p)] !== undefined) (out[leaders[Number(p)]!] ??= []).push(Number(p));
      return out;
    },
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers.get(Number(nodeId)),
  };
  const eosManager = {
    isTransactional: () => opts.transactional ?? true,
    isInitialized: () => true,
    initProducerId: async () => {
      inits++;
      await opts.initProducerId?.();
      sequences.clear();
    },
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
    partitioner: opts.partitioner ?? (({ message }: { message: { partition: number } }) => message.partition),
    retrier: createRetry({ initialRetryTime: 5, maxRetryTime: 50, retries: 5, factor: 0, multiplier: 1 }),
  });
  const messages = opts.messages ?? [0, 1].flatMap((partition) => [0, 1, 2].map((i) => ({ partition, value: `${partition}-${i}` })));
  return { calls, sequences, removed: () => removed, inits: () => inits, run: () => send({ acks: -1, timeout: 30_000, topicMessages: [{ topic: 'hits', messages }] }) as Promise<Array<{ partition: number }>> };
}

const connectionLost = () => Object.assign(new Error('Connection error: broker 1 went away'), { name: 'KafkaJSConnectionError', retriable: true });
const connectionClosed = (port: number) => Object.assign(new Error('Closed connection'), { name: 'KafkaJSConnectionClosedError', retriable: true, host: '127.0.0.1', port });
const fenced = () => Object.assign(new Error('fenced'), { name: 'KafkaJSProtocolError', type: 'INVALID_PRODUCER_EPOCH', retriable: false });
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

  it("sends a failed broker's partitions to their new leader even when that broker has answered already", async () => {
    // Broker 1 dies; partition 0 moves to broker 2, which answered for partition 1 meanwhile. Upstream kafkajs skipped
    // every broker that had answered, so partition 0's records were never sent and the send resolved.
    const h = harness({ 1: () => Promise.reject<void>(connectionLost()), 2: () => delay(50) }, { afterRefresh: { 0: 2, 1: 2 } });
    const responses = await h.run();
    const toBroker2 = h.calls.filter((c) => c.broker === 2);
    expect(toBroker2.map((c) => c.partitions.map((p) => [p.partition, p.firstSequence]))).toEqual([[[1, 0]], [[0, 0]]]);
    expect(responses.map((r) => r.partition).sort()).toEqual([0, 1]);
    expect(h.sequences.get('hits:0')).toBe(3);
    expect(h.sequences.get('hits:1')).toBe(3);
  });

  it('forgets every broker whose connection closed, and gives up at once on a failure that cannot be retried', async () => {
    const closed = harness({ 1: async (n) => (n === 0 ? Promise.reject<void>(connectionClosed(1)) : undefined), 2: async (n) => (n === 0 ? Promise.reject<void>(connectionClosed(2)) : undefined) });
    await closed.run();
    expect(closed.removed()).toBeGreaterThanOrEqual(2);
    const h = harness({ 1: () => Promise.reject<void>(connectionLost()), 2: () => delay(20).then(() => Promise.reject<void>(fenced())) });
    await expect(h.run()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });
    expect(h.calls).toHaveLength(2);
  });

  it('keeps the partitions a retry sends as the first attempt chose them (a round-robin partitioner moves on)', async () => {
    let next = 0;
    const roundRobin: Partitioner = () => next++ % 2;
    const messages = ['a', 'b', 'c', 'd', 'e'].map((value) => ({ partition: -1, value }));
    const h = harness({ 1: async (n) => (n === 0 ? Promise.reject<void>(connectionLost()) : undefined), 2: () => delay(20) }, { partitioner: roundRobin, messages });
    await h.run();
    const sent = (broker: number) => h.calls.filter((c) => c.broker === broker).map((c) => c.partitions.map((p) => [p.partition, p.firstSequence, (p.messages as Array<{ value: string }>).map((m) => m.value).join('')]));
    // Partition 0 (a, c, e) failed once and went again unchanged with the same sequence; partition 1 (b, d) once.
    expect(sent(1)).toEqual([[[0, 0, 'ace']], [[0, 0, 'ace']]]);
    expect(sent(2)).toEqual([[[1, 0, 'bd']]]);
  });

  it('fails instead of succeeding without a partition the metadata does not know', async () => {
    const h = harness({ 1: async () => undefined, 2: async () => undefined }, { messages: [{ partition: 0, value: 'x' }, { partition: 5, value: 'lost' }] });
    await expect(h.run()).rejects.toThrow(/leader|retr/i);
    expect(h.calls.flatMap((c) => c.partitions.map((p) => p.partition))).not.toContain(5);
  });

  it('gives an idempotent producer a new producer id after a send that failed for good, before anything else is sent', async () => {
    // Broker 2's request fails and cannot be retried (it may have been appended all the same): its rolled-back sequence
    // numbers must not be reused for other records. A transactional producer is left to its owner (it aborts).
    let initFails = 1;
    const h = harness(
      { 1: async () => undefined, 2: async (n) => (n === 0 ? Promise.reject<void>(fenced()) : undefined) },
      { transactional: false, initProducerId: async () => (initFails-- > 0 ? Promise.reject(new Error('no broker answers')) : undefined) },
    );
    await expect(h.run()).rejects.toBeDefined();
    expect(h.inits()).toBe(1); // tried at once, failed
    const before = h.calls.length;
    await h.run(); // the renewal is tried again first, succeeds, and the send starts from sequence 0
    expect(h.inits()).toBe(2);
    expect(h.calls.slice(before).flatMap((c) => c.partitions.map((p) => p.firstSequence))).toEqual([0, 0]);
    const tx = harness({ 1: async () => undefined, 2: () => Promise.reject<void>(fenced()) });
    await expect(tx.run()).rejects.toBeDefined();
    expect(tx.inits()).toBe(0);
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
