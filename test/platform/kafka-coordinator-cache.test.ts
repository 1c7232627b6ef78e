import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorCacheStats, forgetCoordinators } from '../../lib/kafkajs-coordinator-cache';
import { createNamespace, type Namespace } from '../support/namespace';

/**
 * kafkajs asked for the coordinator before every transactional request; `lib/kafka.ts` keeps the answer. On the
 * real broker: transactions with consumer offsets still commit (read back with read_committed offsets), most
 * lookups are answered from the cache, and after the cache is told to forget, the next lookup asks the broker.
 */
describe('the coordinator cache of kafkajs transactions', () => {
  let ns: Namespace;
  beforeAll(async () => {
    ns = await createNamespace('coordcache', { partitions: 1 });
  });
  afterAll(async () => ns?.cleanup());

  const countRequests = (client: { on: (e: string, f: (ev: { payload: { apiName: string } }) => void) => unknown; events: { REQUEST: string } }) => {
    const counts = new Map<string, number>();
    client.on(client.events.REQUEST, (ev) => void counts.set(ev.payload.apiName, (counts.get(ev.payload.apiName) ?? 0) + 1));
    return counts;
  };

  it('commits transactions with offsets while asking the broker for the coordinator rarely', async () => {
    const groupId = `${ns.topicPrefix}txn-group`;
    const producer = ns.kafka.producer({ transactionalId: `${ns.topicPrefix}txn`, idempotent: true, maxInFlightRequests: 1 });
    const requests = countRequests(producer as never);
    await producer.connect();
    const before = coordinatorCacheStats();
    const N = 20;
    for (let i = 0; i < N; i++) {
      const txn = await producer.transaction();
      await txn.send({ topic: ns.topics.hits, messages: [{ key: `k${i}`, value: `v${i}` }] });
      await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: ns.topics.events, partitions: [{ partition: 0, offset: String(i + 1) }] }] });
      await txn.commit();
    }
    const after = coordinatorCacheStats();
    // Four lookups a transaction (add partitions, add offsets, the group's, end), most from the cache.
    expect(after.lookups - before.lookups).toBeGreaterThanOrEqual(4 * N);
    expect(after.cached - before.cached).toBeGreaterThanOrEqual(3 * N);
    expect(requests.get('GroupCoordinator') ?? 0).toBeLessThan(N);
    expect(requests.get('EndTxn')).toBe(N);

    // The offsets of the last transaction were committed, and its record is there for read_committed readers.
    const committed = await ns.admin.fetchOffsets({ groupId, topics: [ns.topics.events] });
    expect(committed[0]?.partitions[0]?.offset).toBe(String(N));
    const ends = await ns.admin.fetchTopicOffsets(ns.topics.hits);
    expect(Number(ends[0]?.high)).toBeGreaterThanOrEqual(N);

    // Told to forget (as after a coordinator error or a metadata refresh), the next transaction asks the broker again.
    const asked = requests.get('GroupCoordinator') ?? 0;
    forgetCoordinators();
    const txn = await producer.transaction();
    await txn.send({ topic: ns.topics.hits, messages: [{ key: 'k', value: 'v' }] });
    await txn.commit();
    expect(requests.get('GroupCoordinator') ?? 0).toBeGreaterThan(asked);
    await producer.disconnect();
  });
});
