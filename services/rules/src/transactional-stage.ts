import type { Admin, Consumer, Kafka, KafkaMessage, Message, Offsets, Producer, Transaction } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

/** The stage-specific part: per-partition state and what a chunk of input produces. */
export interface StageLogic {
  /** Turns a chunk of one partition into output records; may update that partition's in-memory state. */
  process(partition: number, messages: KafkaMessage[], now: Date): Promise<TopicMessages[]> | TopicMessages[];
  /** Rebuilds state for partitions just assigned, from history before `endOffset` (what the group committed). */
  rebuild(ranges: Array<{ partition: number; endOffset: bigint }>, heartbeat: () => Promise<void>): Promise<void>;
  /** Forgets a partition's state (revoked, or its transaction failed so the state ran ahead of Kafka). */
  drop(partition: number): void;
  /** After the chunk's transaction committed. */
  committed?(partition: number, outputs: TopicMessages[]): void;
}

export interface TransactionalStage {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** False once the producer was fenced (another process took this transactional id) or the consumer stopped for good. */
  healthy(): boolean;
  /**
   * Why this stage stopped for good in a way a restart of the process mends (its consumer crashed for good, or a
   * failed transaction's producer could not be replaced). Not when fenced: a restart would take the transactional
   * id back from the process that now has it.
   */
  brokenReason(): string | undefined;
}

/** The transaction was aborted because a partition in it was sought since its batch was fetched (kafkajs' `isStale`). */
export class StaleAssignment extends Error {
  override readonly name = 'StaleAssignment';
}

const isConcurrentTransactions = (err: unknown) => (err as { type?: string } | undefined)?.type === 'CONCURRENT_TRANSACTIONS';

/**
 * Writes a transaction's input offsets and its output records at the same time: the two chains of requests
 * (AddOffsetsToTxn → TxnOffsetCommit, AddPartitionsToTxn → Produce) are independent until the commit, so each waits
 * for the broker once instead of twice (the producer must allow two requests in flight on a connection: see
 * `maxInFlightRequests` below). Nothing is in flight when it returns or throws — a failure of one waits for the
 * other to settle — so the caller's abort never races a request of the transaction. AddOffsetsToTxn is answered
 * CONCURRENT_TRANSACTIONS until the previous commit's markers are written; kafkajs does not retry it, so this does,
 * briefly (AddPartitionsToTxn meets the same answer inside kafkajs' send, whose retry patches/kafkajs+2.2.4.patch
 * makes wait for every request of the send to settle). Returns when each chain finished, in ms from the start.
 */
export async function writeTransaction(txn: Transaction, offsets: Offsets & { consumerGroupId: string }, topicMessages: TopicMessages[], onConcurrent?: () => void): Promise<{ offsetsMs: number; sendMs: number }> {
  const t0 = performance.now();
  const done = { offsetsMs: 0, sendMs: 0 };
  const results = await Promise.allSettled([
    retry(() => txn.sendOffsets(offsets), {
      attempts: 40,
      initialMs: 2,
      maxMs: 200,
      retriable: (err) => isConcurrentTransactions(err) && (onConcurrent?.(), true),
    }).then(() => void (done.offsetsMs = performance.now() - t0)),
    (topicMessages.length ? txn.sendBatch({ topicMessages, acks: -1 }) : Promise.resolve()).then(() => void (done.sendMs = performance.now() - t0)),
  ]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return done;
}

const isFenced = (err: unknown) => {
  const type = (err as { type?: string } | undefined)?.type;
  return type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || type === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
};

/**
 * Consume → transform → produce exactly once: each chunk of a batch is processed, its outputs and the
 * consumer offset after it are sent in ONE Kafka transaction (shared with the chunks of other partitions
 * ready at the same moment), then committed. On any failure the
 * transaction is aborted, the partition's state dropped, and the chunk consumed again (after a rebuild).
 * State is rebuilt on assignment unless this instance already holds it at exactly the committed offset.
 */
export function createTransactionalStage(deps: {
  kafka: Kafka;
  logger: Logger;
  topic: string;
  groupId: string;
  transactionalId: string;
  chunkSize: number;
  transactionTimeoutMs: number;
  /** Where a group without committed offsets starts (the retro-hunt group starts at the end). */
  fromBeginning?: boolean;
  /** Longest fetch wait (ms): short for the officer-facing stage, longer where idle polling would only cost CPU. */
  maxWaitMs?: number;
  /**
   * Bytes a fetch waits for at the broker (up to `maxWaitMs`): above 1, a stage whose output nobody waits on runs
   * fewer, larger transactions at live rates (each costs several broker writes however little it carries).
   */
  minBytes?: number;
  /** Partitions processed at once; their chunks share transactions (group commit). */
  partitionsConcurrently?: number;
  /** The consumer's session timeout (30 s) and heartbeat interval (3 s); shorter in tests. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Told of each committed transaction: how long it took, how many input records and partitions it covered,
   * and the age of its oldest input record (append time → commit), i.e. what this stage adds to an alert.
   * `offsets` and `send` run at once (writeTransaction): each is the time from their common start to its own end. */
  observe?: (t: { transactionMs: number; steps: { begin: number; send: number; offsets: number; commit: number }; records: number; partitions: number; oldestAgeMs: number; concurrentRetries: number }) => void;
  logic: StageLogic;
}): TransactionalStage {
  const log = deps.logger.child({ component: 'stage', groupId: deps.groupId });
  let consumer: Consumer | undefined;
  /**
   * Two transactional producers taking turns. A transaction begun right after its producer's previous commit is
   * answered CONCURRENT_TRANSACTIONS until that commit's markers are written (several ms here, retried below);
   * the other producer's last transaction ended a whole transaction earlier, so its turn starts at once.
   * Transactions still run one at a time, in order, so a chunk's offsets are never committed ahead of an
   * earlier chunk's outputs. Both ids derive from the instance id: a restart fences both.
   */
  let producers: Producer[] = [];
  /** Producer i's transactional id; both derive from the instance id, so a restart fences both. */
  const transactionalIds = [deps.transactionalId, `${deps.transactionalId}-b`];
  let turn = 0;
  const newProducer = (transactionalId: string): Producer =>
    deps.kafka.producer({
      transactionalId,
      idempotent: true,
      // Two: a transaction's offsets and records are written at once (writeTransaction). Still one produce request
      // per broker at a time — a transaction sends its records in one batch — so sequence numbers stay in order.
      maxInFlightRequests: 2,
      transactionTimeout: deps.transactionTimeoutMs,
      retry: { initialRetryTime: 5, multiplier: 1.5, maxRetryTime: 2_000, retries: 30 },
    });
  /**
   * After a transaction failed and could not be aborted (or failed in its commit, whose outcome is then unknown),
   * kafkajs' producer is left in ABORTING or COMMITTING: its next beginTransaction throws a non-retriable error and
   * the stage stopped for good (seen in a chaos run). A new producer with the same transactional id settles the
   * old transaction at the coordinator — InitProducerId completes a commit that got there and aborts one that did
   * not — so when this returns, the committed offsets that the replay starts from are final.
   */
  /** Puts a new, not yet connected producer with the same transactional id in producer i's place. */
  const swapProducer = async (i: number): Promise<Producer> => {
    const old = producers[i]!;
    const fresh = newProducer(transactionalIds[i]!);
    producers[i] = fresh;
    await old.disconnect().catch(() => undefined);
    return fresh;
  };
  const replaceProducer = async (i: number) => {
    const fresh = await swapProducer(i);
    for (let attempt = 0; ; attempt++) {
      try {
        await fresh.connect();
        // connect() alone does not send the transactional InitProducerId; the first transaction() does. An empty
        // transaction aborted at once sends nothing more, and leaves the old transaction settled.
        await (await fresh.transaction()).abort();
        return;
      } catch (err) {
        if (isFenced(err) || attempt >= 20) {
          // Without a usable producer half this stage's transactions would fail for good: say so (/readyz) instead.
          crashed = `${deps.groupId}: cannot settle a failed transaction with a new producer`;
          log.error({ err }, 'cannot settle a failed transaction with a new producer; /readyz fails until the process is restarted');
          throw err;
        }
        log.warn({ err, attempt }, 'cannot settle a failed transaction yet (new transactional producer); retrying');
        await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
      }
    }
  };
  /**
   * A process killed mid-transaction leaves its transaction open: the partitions it wrote hold back every
   * read_committed reader (the console's alerts among them) until the coordinator aborts it on the transaction
   * timeout, or until a producer with the same id registers (InitProducerId aborts it at once). kafkajs registers on
   * the first transaction(), which a restarted instance only begins once the group has given it partitions and it
   * has rebuilt their state — in a chaos run, 25 s after the restart, the timeout having struck first. So register at
   * start: an empty transaction aborted at once sends nothing more. Failing here is not fatal (the first transaction
   * registers anyway); a fenced producer means another process has this id, which the first transaction reports.
   */
  const fenceEarlier = async (i: number) => {
    try {
      await (await producers[i]!.transaction()).abort();
    } catch (err) {
      log.warn({ err, transactionalId: transactionalIds[i] }, 'could not register the transactional id at start; the first transaction will');
      // Whatever state that left the producer in, the first transaction starts from a new one.
      await (await swapProducer(i)).connect();
    }
  };
  let admin: Admin | undefined;
  let fenced = false;
  /** The consumer stopped for good (kafkajs does not restart it after an error it deems non-retriable). */
  let crashed: string | undefined;
  /** Next offset per partition whose state this instance holds, as of its last committed transaction. */
  const position = new Map<number, bigint>();
  let assigned = new Set<number>();
  let checkAssignment = false;
  const needRebuild = new Set<number>();

  const forget = (p: number) => {
    position.delete(p);
    deps.logic.drop(p);
  };

  const prepare = async (heartbeat: () => Promise<void>) => {
    if (checkAssignment) {
      checkAssignment = false;
      const [committed] = await admin!.fetchOffsets({ groupId: deps.groupId, topics: [deps.topic] });
      for (const p of assigned) {
        const c = BigInt(committed?.partitions.find((x) => x.partition === p)?.offset ?? '-1');
        if (position.get(p) !== c || c < 0n) needRebuild.add(p);
      }
    }
    if (needRebuild.size === 0) return;
    const [committed] = await admin!.fetchOffsets({ groupId: deps.groupId, topics: [deps.topic] });
    const ranges = [...needRebuild].map((p) => ({ partition: p, endOffset: BigInt(committed?.partitions.find((x) => x.partition === p)?.offset ?? '-1') }));
    for (const r of ranges) forget(r.partition);
    await deps.logic.rebuild(ranges.filter((r) => r.endOffset > 0n), heartbeat);
    for (const r of ranges) {
      needRebuild.delete(r.partition);
      if (r.endOffset >= 0n) position.set(r.partition, r.endOffset);
    }
  };

  /** Serialises `prepare` (offset fetches and rebuilds) between partitions consumed concurrently. */
  let preparing: Promise<void> = Promise.resolve();
  const prepareOnce = (heartbeat: () => Promise<void>) => {
    const next = preparing.then(() => prepare(heartbeat));
    preparing = next.catch(() => undefined);
    return next;
  };

  /**
   * Group commit: the chunks of every partition being consumed concurrently that are ready while a
   * transaction is in flight go into the next transaction together — their outputs and all their offsets,
   * atomically. One transaction per round instead of one per partition keeps the officer-facing latency
   * flat under load (each transaction is several broker round trips, and back-to-back transactions wait for
   * the previous one's markers).
   */
  interface Pending {
    partition: number;
    outputs: TopicMessages[];
    nextOffset: string;
    records: number;
    oldestTimestamp: number;
    /** The consumer's membership, from the chunk's batch: confirmed right before the commit (see runTransaction). */
    heartbeat: () => Promise<void>;
    isStale: () => boolean;
    done: (err?: unknown) => void;
  }
  let queue: Pending[] = [];
  let committing = false;
  const runTransaction = async (group: Pending[]) => {
    const t0 = performance.now();
    const steps = { begin: 0, send: 0, offsets: 0, commit: 0 };
    let concurrentRetries = 0;
    let mark = t0;
    const step = (k: keyof typeof steps) => {
      const now = performance.now();
      steps[k] = now - mark;
      mark = now;
    };
    if (fenced) throw new Error('this stage was fenced: another process uses its transactional id');
    const which = turn++ % producers.length;
    const txn = await producers[which]!.transaction();
    step('begin');
    /** Where the transaction got to: what a failure there leaves behind decides the clean-up (see the catch). */
    let phase: 'open' | 'sending' | 'sent' | 'committing' = 'open';
    try {
      const offsets = { consumerGroupId: deps.groupId, topics: [{ topic: deps.topic, partitions: group.map((g) => ({ partition: g.partition, offset: g.nextOffset })) }] };
      const byTopic = new Map<string, Message[]>();
      for (const g of group)
        for (const t of g.outputs) {
          const list = byTopic.get(t.topic) ?? [];
          for (const m of t.messages) list.push(m);
          byTopic.set(t.topic, list);
        }
      phase = 'sending';
      const written = await writeTransaction(txn, offsets, [...byTopic].map(([topic, messages]) => ({ topic, messages })), () => concurrentRetries++);
      phase = 'sent';
      steps.offsets = written.offsetsMs;
      steps.send = written.sendMs;
      mark = performance.now();
      // Only a member that still owns these partitions may commit. kafkajs' TxnOffsetCommit carries no group
      // generation, so the broker cannot refuse a zombie: an instance whose transaction hung on the brokers (kafkajs
      // retries for up to a minute) past its session timeout has lost the partitions, another instance has read the
      // old offsets and judged the same events, and this commit would put the same hits on the topic twice (most
      // likely the duplicate hit records of two chaos runs). kafkajs' heartbeat answers at once if one succeeded
      // within the heartbeat interval (3 s, far inside the 30 s session), else asks the coordinator, which refuses
      // an evicted member or a rebalance. (kafkajs cannot rejoin while a batch is pending, so the heartbeat is the
      // check; `isStale` only reports a seek since the batch was fetched, which also makes its chunk not ours to commit.)
      if (group.some((g) => g.isStale())) throw new StaleAssignment('the partition was sought during the transaction');
      await group[group.length - 1]!.heartbeat();
      phase = 'committing';
      await txn.commit();
      step('commit');
    } catch (err) {
      const aborted = phase !== 'committing' && (await txn.abort().then(() => true, () => false));
      // A failed send leaves the producer's sequence numbers behind what a broker may have appended (kafkajs rolls
      // back those of a request that got no answer): the next transaction would reuse them for other records, and the
      // broker would refuse them (OUT_OF_ORDER_SEQUENCE_NUMBER) or, the count matching, take them for a duplicate and
      // drop them while the transaction commits. A new producer (a new epoch, sequences from 0) settles that too.
      // A fenced producer is not replaced: a new one with the same id would fence the instance that took it over.
      if ((!aborted || phase === 'sending') && !isFenced(err)) await replaceProducer(which);
      throw err;
    }
    deps.observe?.({
      transactionMs: performance.now() - t0,
      steps,
      records: group.reduce((n, g) => n + g.records, 0),
      partitions: group.length,
      oldestAgeMs: Date.now() - Math.min(...group.map((g) => g.oldestTimestamp)),
      concurrentRetries,
    });
  };
  const commitTogether = (partition: number, outputs: TopicMessages[], nextOffset: string, chunk: KafkaMessage[], member: { heartbeat: () => Promise<void>; isStale: () => boolean }) =>
    new Promise<void>((resolve, reject) => {
      const oldestTimestamp = Number(chunk[0]?.timestamp) || Date.now();
      queue.push({ partition, outputs, nextOffset, records: chunk.length, oldestTimestamp, heartbeat: member.heartbeat, isStale: member.isStale, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (committing) return;
      committing = true;
      void (async () => {
        // One turn of the event loop first: the other partitions of the same fetch finish processing and
        // join this transaction instead of waiting for the next one.
        await new Promise((r) => setImmediate(r));
        while (queue.length) {
          const group = queue;
          queue = [];
          try {
            await runTransaction(group);
            for (const g of group) g.done();
          } catch (err) {
            for (const g of group) g.done(err ?? new Error('transaction failed'));
          }
        }
        committing = false;
      })();
    });

  return {
    healthy: () => !fenced && crashed === undefined,
    brokenReason: () => crashed,
    async start() {
      admin = deps.kafka.admin();
      await admin.connect();
      // A transaction started right after the previous one's commit is answered CONCURRENT_TRANSACTIONS until
      // its markers are written (a few ms); kafkajs' default 100 ms first retry would add that to every alert.
      producers = transactionalIds.map(newProducer);
      await Promise.all(producers.map((p) => p.connect()));
      await Promise.all(producers.map((_, i) => fenceEarlier(i)));
      consumer = deps.kafka.consumer({ groupId: deps.groupId, readUncommitted: false, maxWaitTimeInMs: deps.maxWaitMs ?? 100, minBytes: deps.minBytes ?? 1, sessionTimeout: deps.sessionTimeoutMs ?? 30_000, heartbeatInterval: deps.heartbeatIntervalMs ?? 3_000 });
      // An error kafkajs deems non-retriable (OUT_OF_ORDER_SEQUENCE_NUMBER from a transactional producer after a broker
      // crash, a record over the broker's limit) stops the consumer for good: the partitions go to the group's other
      // instances, and this one must say it is not ready (restart it) instead of sitting idle behind a green /readyz.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return;
        crashed = `${deps.groupId}: consumer stopped for good (${payload.error?.message ?? 'error'})`;
        log.error({ err: payload.error }, 'consumer stopped for good: this stage no longer consumes; /readyz fails until the process is restarted');
      });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assigned = new Set(payload.memberAssignment[deps.topic] ?? []);
        for (const p of [...position.keys()]) if (!assigned.has(p)) forget(p);
        checkAssignment = true;
      });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: deps.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: deps.partitionsConcurrently ?? 12,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (fenced) return;
          await prepareOnce(heartbeat);
          const p = batch.partition;
          if (!position.has(p)) needRebuild.add(p);
          if (needRebuild.has(p)) await prepareOnce(heartbeat);
          // After a failed transaction kafkajs fetches again from the last offset resolved here, but the group's
          // committed offset (where the rebuilt state ends) can be further on: a commit whose answer was lost may
          // have landed. Those records are in the state already; judging them again would put their outputs twice.
          let messages = batch.messages;
          const from = position.get(p);
          if (from !== undefined && messages.length > 0 && BigInt(messages[0]!.offset) < from) {
            const keep = messages.findIndex((m) => BigInt(m.offset) >= from);
            const skipped = keep < 0 ? messages.length : keep;
            log.info({ partition: p, skipped, committedOffset: String(from) }, 'records before the committed offset skipped: they are in the rebuilt state already');
            resolveOffset(messages[skipped - 1]!.offset);
            messages = messages.slice(skipped);
          }
          for (let i = 0; i < messages.length; i += deps.chunkSize) {
            if (!isRunning() || isStale() || fenced) return;
            const chunk = messages.slice(i, i + deps.chunkSize);
            const last = chunk[chunk.length - 1]!.offset;
            let outputs: TopicMessages[] = [];
            try {
              outputs = (await deps.logic.process(p, chunk, new Date())).filter((t) => t.messages.length > 0);
              await commitTogether(p, outputs, (BigInt(last) + 1n).toString(), chunk, { heartbeat, isStale });
            } catch (err) {
              forget(p);
              needRebuild.add(p);
              if (isFenced(err)) {
                if (!fenced) log.error({ err }, 'producer fenced: another process uses this transactional id; this stage stops');
                fenced = true;
                void consumer!.stop().catch(() => undefined);
                return;
              }
              log.warn({ err, partition: p }, 'transaction aborted; the chunk will be consumed again');
              throw err;
            }
            position.set(p, BigInt(last) + 1n);
            deps.logic.committed?.(p, outputs);
            resolveOffset(last);
            await heartbeat();
          }
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      await Promise.all(producers.map((p) => p.disconnect()));
      await admin?.disconnect();
    },
  };
}
