import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs 2.2.4 is patched (patches/kafkajs+2.2.4.patch): its transaction manager keeps the transaction and group
// coordinators once found. Unpatched, it asked the cluster (a FindCoordinator round trip) before every
// AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn — four of the nine sequential requests of every
// transaction the rules stages commit, on the path of every alert. A kept coordinator that answers "not the
// coordinator" or whose connection is gone is found again and the request sent to the new one. This drives kafkajs'
// own transaction manager with fake brokers at its seam (the cluster), so it fails if the patch is missing.
const require = createRequire(import.meta.url);
const createEosManager = require('kafkajs/src/producer/eosManager/index.js') as (deps: unknown) => EosManager;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
const { KafkaJSConnectionClosedError } = require('kafkajs/src/errors.js') as { KafkaJSConnectionClosedError: new (m: string) => Error };

interface EosManager {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(topicData: Array<{ topic: string; partitions: Array<{ partition: number }> }>): Promise<void>;
  sendOffsets(args: { consumerGroupId: string; topics: unknown[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

const NOT_COORDINATOR = 16;
const CONCURRENT_TRANSACTIONS = 51;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function harness() {
  const lookups: string[] = [];
  const requests: string[] = [];
  /** Which broker the cluster names as coordinator, by coordinator type (0 group, 1 transaction). */
  const coordinatorOf: Record<number, number> = { 0: 1, 1: 1 };
  /** Failures to answer with, by `${nodeId}:${api}`, taken in turn. */
  const failures = new Map<string, Error[]>();
  const brokers = new Map(
    [1, 2].map((nodeId) => {
      const call = (api: string) => async () => {
        requests.push(`${nodeId}:${api}`);
        const e = failures.get(`${nodeId}:${api}`)?.shift();
        if (e) throw e;
        return api === 'initProducerId' ? { producerId: 7, producerEpoch: 0 } : {};
      };
      const broker = {
        nodeId,
        connected: true,
        isConnected: () => broker.connected,
        initProducerId: call('initProducerId'),
        addPartitionsToTxn: call('addPartitionsToTxn'),
        addOffsetsToTxn: call('addOffsetsToTxn'),
        txnOffsetCommit: call('txnOffsetCommit'),
        endTxn: call('endTxn'),
      };
      return [nodeId, broker];
    }),
  );
  const cluster = {
    retry: { retries: 2, initialRetryTime: 1, maxRetryTime: 5 },
    refreshMetadataIfNecessary: async () => {},
    findGroupCoordinator: async ({ groupId, coordinatorType }: { groupId: string; coordinatorType: number }) => {
      lookups.push(`${coordinatorType === 1 ? 'txn' : 'group'}:${groupId}`);
      return brokers.get(coordinatorOf[coordinatorType]!)!;
    },
  };
  const eos = createEosManager({ logger: { ...silent, namespace: () => silent }, cluster, transactional: true, transactionalId: 'judge-0' });
  const transaction = async (end: 'commit' | 'abort' = 'commit') => {
    eos.beginTransaction();
    await eos.addPartitionsToTransaction([{ topic: 'hits', partitions: [{ partition: 0 }] }]);
    await eos.sendOffsets({ consumerGroupId: 'rules', topics: [{ topic: 'events', partitions: [{ partition: 0, offset: '1' }] }] });
    await eos[end]();
  };
  return { eos, lookups, requests, coordinatorOf, failures, brokers, transaction };
}

/** A producer whose coordinators are known (its id initialised, one transaction done), with the requests so far cleared. */
async function afterOneTransaction() {
  const h = harness();
  await h.eos.initProducerId();
  await h.transaction();
  h.requests.length = 0;
  return h;
}

describe('kafkajs transaction manager (patched): coordinators are kept once found', () => {
  it('looks each coordinator up once, not before every request of every transaction', async () => {
    const h = harness();
    await h.eos.initProducerId();
    for (let i = 0; i < 3; i++) await h.transaction(i === 2 ? 'abort' : 'commit');
    // Unpatched: one lookup for the producer id, then four in each of the three transactions (13).
    expect(h.lookups).toEqual(['txn:judge-0', 'group:rules']);
    expect(h.requests.filter((r) => r.endsWith('endTxn'))).toHaveLength(3);
  });

  it('finds the transaction coordinator again when the kept one says it no longer is, and sends there', async () => {
    const h = await afterOneTransaction();
    h.coordinatorOf[1] = 2;
    h.failures.set('1:addPartitionsToTxn', [createErrorFromCode(NOT_COORDINATOR)]);
    await h.transaction();
    expect(h.requests).toEqual(['1:addPartitionsToTxn', '2:addPartitionsToTxn', '2:addOffsetsToTxn', '1:txnOffsetCommit', '2:endTxn']);
    expect(h.lookups.filter((l) => l.startsWith('txn'))).toHaveLength(2);
  });

  it('finds the coordinator again when the kept one’s connection is gone, before sending anything to it', async () => {
    const h = await afterOneTransaction();
    h.brokers.get(1)!.connected = false;
    h.coordinatorOf[1] = 2;
    h.coordinatorOf[0] = 2;
    await h.transaction();
    expect(h.requests).toEqual(['2:addPartitionsToTxn', '2:addOffsetsToTxn', '2:txnOffsetCommit', '2:endTxn']);
  });

  it('sends EndTxn to the new coordinator when the kept one’s connection closed on it', async () => {
    const h = await afterOneTransaction();
    h.coordinatorOf[1] = 2;
    h.failures.set('1:endTxn', [new KafkaJSConnectionClosedError('Connection closed')]);
    await h.transaction();
    expect(h.requests.filter((r) => r.endsWith('endTxn'))).toEqual(['1:endTxn', '2:endTxn']);
  });

  it('finds the group coordinator again when the offset commit says it moved (upstream’s error names never matched)', async () => {
    const h = await afterOneTransaction();
    h.coordinatorOf[0] = 2;
    h.failures.set('1:txnOffsetCommit', [createErrorFromCode(NOT_COORDINATOR)]);
    await h.transaction();
    expect(h.requests.filter((r) => r.endsWith('txnOffsetCommit'))).toEqual(['1:txnOffsetCommit', '2:txnOffsetCommit']);
  });

  it('keeps the coordinator after an error it answered itself (CONCURRENT_TRANSACTIONS): no lookup on the retry', async () => {
    const h = await afterOneTransaction();
    const before = h.lookups.length;
    h.failures.set('1:addOffsetsToTxn', [createErrorFromCode(CONCURRENT_TRANSACTIONS)]);
    const offsets = { consumerGroupId: 'rules', topics: [{ topic: 'events', partitions: [{ partition: 0, offset: '2' }] }] };
    h.eos.beginTransaction();
    await expect(h.eos.sendOffsets(offsets)).rejects.toThrow(/concurrent/i);
    await h.eos.sendOffsets(offsets); // as the rules stage retries it
    await h.eos.commit();
    expect(h.lookups.length).toBe(before);
    expect(h.requests).toEqual(['1:addOffsetsToTxn', '1:addOffsetsToTxn', '1:txnOffsetCommit', '1:endTxn']);
  });

  it('does not retry a failure that says nothing about the coordinator: it is the caller’s to handle', async () => {
    const h = await afterOneTransaction();
    h.failures.set('1:endTxn', [createErrorFromCode(47)]); // INVALID_PRODUCER_EPOCH
    h.eos.beginTransaction();
    await h.eos.addPartitionsToTransaction([{ topic: 'hits', partitions: [{ partition: 1 }] }]);
    h.requests.length = 0;
    await expect(h.eos.commit()).rejects.toThrow(/epoch/i);
    expect(h.requests).toEqual(['1:endTxn']);
  });
});
