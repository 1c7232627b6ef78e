import type { Admin, Consumer, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { Logger } from '../../../lib/logger';

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
  /** False once the producer was fenced (another process took this transactional id). */
  healthy(): boolean;
}

const isFenced = (err: unknown) => {
  const type = (err as { type?: string } | undefined)?.type;
  return type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || type === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
};

/**
 * Consume → transform → produce exactly once: each chunk of a batch is processed, its outputs and the
 * consumer offset after it are sent in ONE Kafka transaction, then committed. On any failure the
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
  logic: StageLogic;
}): TransactionalStage {
  const log = deps.logger.child({ component: 'stage', groupId: deps.groupId });
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let admin: Admin | undefined;
  let fenced = false;
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

  return {
    healthy: () => !fenced,
    async start() {
      admin = deps.kafka.admin();
      await admin.connect();
      producer = deps.kafka.producer({ transactionalId: deps.transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: deps.transactionTimeoutMs });
      await producer.connect();
      consumer = deps.kafka.consumer({ groupId: deps.groupId, readUncommitted: false, maxWaitTimeInMs: deps.maxWaitMs ?? 100, minBytes: 1, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
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
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (fenced) return;
          await prepare(heartbeat);
          const p = batch.partition;
          if (!position.has(p)) needRebuild.add(p);
          if (needRebuild.has(p)) await prepare(heartbeat);
          for (let i = 0; i < batch.messages.length; i += deps.chunkSize) {
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(i, i + deps.chunkSize);
            const last = chunk[chunk.length - 1]!.offset;
            const txn = await producer!.transaction();
            let outputs: TopicMessages[] = [];
            try {
              outputs = (await deps.logic.process(p, chunk, new Date())).filter((t) => t.messages.length > 0);
              if (outputs.length) await txn.sendBatch({ topicMessages: outputs, acks: -1 });
              await txn.sendOffsets({ consumerGroupId: deps.groupId, topics: [{ topic: deps.topic, partitions: [{ partition: p, offset: (BigInt(last) + 1n).toString() }] }] });
              await txn.commit();
            } catch (err) {
              await txn.abort().catch(() => undefined);
              forget(p);
              needRebuild.add(p);
              if (isFenced(err)) {
                fenced = true;
                log.error({ err }, 'producer fenced: another process uses this transactional id; this stage stops');
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
      await producer?.disconnect();
      await admin?.disconnect();
    },
  };
}
