import { createRequire } from 'node:module';

/**
 * kafkajs asks the cluster which broker coordinates a group or a transaction (FindCoordinator) before *every*
 * transactional request: AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit (for the consumer group) and EndTxn
 * each begin with one. Counted in a bench run at 1,000 events/s, that was ~4 FindCoordinator requests per
 * transaction of the rules stages (≈ 140 a second from the judge stage alone): a round trip each on the path of
 * every alert, and work for the broker.
 *
 * This keeps the answer (the coordinator's node id, not a connection) for `COORDINATOR_TTL_MS`, per cluster, and
 * forgets every cached answer as soon as anything suggests a coordinator moved: a metadata refresh (kafkajs refreshes
 * on connection and leadership errors), or a transactional request failing with a coordinator error or a
 * connection error. The broker for the node id is still looked up in kafkajs' pool on every call, so a reconnected
 * broker is used as before. Installed once, by `lib/kafka.ts`, for every client the services make.
 */
export const COORDINATOR_TTL_MS = 2_000;

/** Errors after which no cached coordinator is trusted (kafkajs' error types and Node's connection codes). */
const COORDINATOR_ERRORS = new Set(['GROUP_COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR_FOR_GROUP', 'GROUP_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS']);
const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound']);

/** Bumped whenever cached coordinators may be wrong; an entry of an older epoch is not used. */
let epoch = 0;
const stats = { lookups: 0, cached: 0, invalidations: 0 };

export function coordinatorCacheStats(): Readonly<typeof stats> {
  return { ...stats };
}

/** Forgets every cached coordinator (tests, and any caller that knows better). */
export function forgetCoordinators(): void {
  epoch++;
  stats.invalidations++;
}

export function isCoordinatorError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { type?: unknown; name?: unknown; code?: unknown };
  return (typeof err.type === 'string' && COORDINATOR_ERRORS.has(err.type)) || (typeof err.name === 'string' && CONNECTION_ERRORS.has(err.name)) || err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET';
}

type Metadata = { coordinator: { nodeId: number } };
type Entry = { metadata: Metadata; epoch: number; until: number };
interface ClusterProto {
  findGroupCoordinatorMetadata(this: ClusterProto, q: { groupId: string; coordinatorType?: number }): Promise<Metadata>;
  refreshMetadata(this: ClusterProto, ...args: unknown[]): Promise<unknown>;
}
type AsyncMethod = (this: unknown, ...args: unknown[]) => Promise<unknown>;

const INSTALLED = Symbol.for('checkpoint-interdiction.kafkajs-coordinator-cache');
const CACHE = Symbol('coordinators');

/** Patches kafkajs' Cluster and Broker classes (the ones `kafkajs` itself uses); idempotent. */
export function installCoordinatorCache(ttlMs = COORDINATOR_TTL_MS): void {
  const require = createRequire(import.meta.url);
  const Cluster = require('kafkajs/src/cluster') as { prototype: ClusterProto & { [INSTALLED]?: boolean } };
  const Broker = require('kafkajs/src/broker') as { prototype: Record<string, AsyncMethod> };
  if (Cluster.prototype[INSTALLED]) return;
  Cluster.prototype[INSTALLED] = true;

  const find = Cluster.prototype.findGroupCoordinatorMetadata;
  Cluster.prototype.findGroupCoordinatorMetadata = async function (q) {
    const self = this as ClusterProto & { [CACHE]?: Map<string, Entry> };
    const cache = (self[CACHE] ??= new Map());
    const key = `${q.coordinatorType ?? 0}|${q.groupId}`;
    const now = Date.now();
    stats.lookups++;
    const hit = cache.get(key);
    if (hit && hit.epoch === epoch && hit.until > now) {
      stats.cached++;
      return hit.metadata;
    }
    const asked = epoch;
    const metadata = await find.call(this, q);
    // An answer asked for before an invalidation may already be stale: used once, not kept.
    if (asked === epoch) cache.set(key, { metadata, epoch: asked, until: now + ttlMs });
    return metadata;
  };

  const refresh = Cluster.prototype.refreshMetadata;
  Cluster.prototype.refreshMetadata = function (...args) {
    forgetCoordinators();
    return refresh.apply(this, args);
  };

  // Every request a coordinator answers: a coordinator error there means the cached answers may be wrong.
  for (const method of ['addPartitionsToTxn', 'addOffsetsToTxn', 'txnOffsetCommit', 'endTxn', 'initProducerId', 'joinGroup', 'syncGroup', 'heartbeat', 'offsetCommit', 'offsetFetch', 'leaveGroup']) {
    const original = Broker.prototype[method];
    if (typeof original !== 'function') throw new Error(`kafkajs Broker.${method} not found: the coordinator cache does not fit this kafkajs version`);
    Broker.prototype[method] = async function (...args) {
      try {
        return await original.apply(this, args);
      } catch (e) {
        if (isCoordinatorError(e)) forgetCoordinators();
        throw e;
      }
    };
  }
}
