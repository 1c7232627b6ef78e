import type { Admin } from 'kafkajs';
import type { Logger } from '../../../../lib/logger';
import { retry } from '../../../../lib/retry';
import type { PrepareWorkers, RangeResult } from './prepare-workers';

/** Offsets a worker reads and prepares in one go: ~8 MB of records, ~30 ms of the main thread's applying. */
export const DIRECT_UNIT_OFFSETS = 25_000;

/** One partition's offsets `[from, to]` to read from its leader. */
export interface DirectRange {
  partition: number;
  from: number;
  to: number;
  host: string;
  port: number;
}

/** Where each partition's leader listens (kafkajs' metadata and the cluster's broker list). */
export async function partitionLeaders(admin: Admin, topic: string): Promise<Map<number, { host: string; port: number }>> {
  const [meta, cluster] = await Promise.all([retry(() => admin.fetchTopicMetadata({ topics: [topic] })), retry(() => admin.describeCluster())]);
  const brokers = new Map(cluster.brokers.map((b) => [b.nodeId, b]));
  const out = new Map<number, { host: string; port: number }>();
  for (const p of meta.topics[0]?.partitions ?? []) {
    const b = brokers.get(p.leader);
    if (b) out.set(p.partitionId, { host: b.host, port: b.port });
  }
  return out;
}

export interface DirectReadOutcome {
  /** Per partition, the last offset read through (its range's `to` when it was read whole). */
  readThrough: Map<number, number>;
  /** Partitions whose read stopped early, and why (what came before is applied; the caller reads the rest another way). */
  stopped: Map<number, Error>;
  records: number;
  fetches: number;
  bytes: number;
}

/**
 * The cold read of a big watchlist with the records never on the main thread: each worker fetches its share of
 * the partitions straight from the leaders (`kafka-fetch.ts`) and prepares the entries, and the main thread only
 * applies the answers — where the consumer path has kafkajs decode every record into objects on the main thread
 * and copy its value over to a worker. The ranges are cut in units of `unitOffsets` taken round-robin over the
 * partitions, so two workers share six partitions evenly; answers are applied in the order the units were handed
 * out, so each partition's records in their order. A few units are in flight at a time.
 *
 * A partition's read stops at its first unit that fails (a leader moved, a broker restarted or stopped answering,
 * data this reader does not do, a worker gone): what was read of it before stays applied,
 * its later units are not, and the caller reads on from there through kafkajs; the other partitions go on. An
 * exception while applying is not a reason to fall back (the index may be half-changed): it is thrown. Not used with
 * TLS or SASL (the system speaks plaintext to its brokers; see `lib/kafka.ts`).
 */
export async function readDirect(deps: {
  workers: PrepareWorkers;
  threads: number;
  topic: string;
  ranges: readonly DirectRange[];
  /** Bytes a fetch asks for at most. */
  maxBytes: number;
  unitOffsets?: number;
  /** Applies a unit's answers (main thread). */
  apply(partition: number, result: RangeResult): void;
  /** While this returns a promise (a snapshot being written), nothing is applied. */
  held?: () => Promise<unknown> | undefined;
  /** The read was given up by the caller: nothing more is applied. */
  failed: () => boolean;
}): Promise<DirectReadOutcome> {
  const size = deps.unitOffsets ?? DIRECT_UNIT_OFFSETS;
  const units: DirectRange[] = [];
  for (let k = 0, more = true; more; k++) {
    more = false;
    for (const r of deps.ranges) {
      const from = r.from + k * size;
      if (from > r.to) continue;
      units.push({ ...r, from, to: Math.min(r.to, from + size - 1) });
      more = true;
    }
  }
  const outcome: DirectReadOutcome = { readThrough: new Map(), stopped: new Map(), records: 0, fetches: 0, bytes: 0 };
  const ahead = 2 * Math.max(1, deps.threads) + 1;
  const inFlight: Array<{ unit: DirectRange; answer: Promise<RangeResult> }> = [];
  let next = 0;
  try {
    while (next < units.length || inFlight.length > 0) {
      while (inFlight.length < ahead && next < units.length) {
        const unit = units[next++]!;
        if (outcome.stopped.has(unit.partition)) continue;
        const answer = deps.workers.readRange({ host: unit.host, port: unit.port, topic: deps.topic, partition: unit.partition, from: unit.from, to: unit.to, maxBytes: deps.maxBytes });
        answer.catch(() => undefined); // awaited in turn below
        inFlight.push({ unit, answer });
      }
      const { unit, answer } = inFlight.shift()!;
      let result: RangeResult;
      try {
        result = await answer;
      } catch (err) {
        if (!outcome.stopped.has(unit.partition)) outcome.stopped.set(unit.partition, err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      // A later unit of a partition that stopped: its records come through the consumer, after the ones before.
      if (outcome.stopped.has(unit.partition)) continue;
      for (let h = deps.held?.(); h; h = deps.held?.()) await h.catch(() => undefined);
      if (deps.failed()) break;
      deps.apply(unit.partition, result);
      outcome.readThrough.set(unit.partition, unit.to);
      outcome.records += result.records;
      outcome.fetches += result.fetches;
      outcome.bytes += result.bytes;
    }
  } finally {
    // Units already handed out finish before the caller's own reads queue behind them on the same workers.
    await Promise.allSettled(inFlight.map((x) => x.answer));
  }
  return outcome;
}

/** Logs how a direct read went (`subject`: what was read): one info line, or a warning naming the partitions that stopped. */
export function logDirectRead(log: Logger, outcome: DirectReadOutcome, startedAtMs: number, subject: string): void {
  const summary = { records: outcome.records, fetches: outcome.fetches, megabytes: Math.round(outcome.bytes / 1048576), ms: Date.now() - startedAtMs };
  if (outcome.stopped.size === 0) return log.info(summary, `${subject} read straight from the partition leaders`);
  const stopped = [...outcome.stopped].map(([partition, err]) => ({ partition, readThrough: outcome.readThrough.get(partition) ?? null, reason: err.message }));
  log.warn({ ...summary, stopped }, `the direct read of the ${subject} stopped on some partitions: the consumer reads on from there`);
}
