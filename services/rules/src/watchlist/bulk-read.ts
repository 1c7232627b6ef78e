import type { Logger } from '../../../../lib/logger';
import type { PrepareWorkers } from './prepare-workers';

/**
 * Bytes a fetch brings of each partition (kafkajs' default is 1 MB). A cold read of a big list goes faster with
 * fewer, larger fetches — fewer round trips in which the workers wait — measured at 10 M entries: 62–64 s at
 * 1 MB, 60–62 s at 4 MB, for ~150 MB more RSS right after the read. The live reads after it fetch a few records.
 * The rules service's reference loader and the console's compacted views both read with it.
 */
export const READ_BYTES_PER_PARTITION = 4 * 1024 * 1024;

/** A watchlist record as a read keeps it until a worker has prepared it. */
export interface PendingRecord {
  offset: string;
  key: string;
  value: Buffer | null;
}

/**
 * The parallel part of a big read of `watchlist.v1` (the rules service's reference loader, the console's view):
 * records go to the workers chunk by chunk, their answers are applied on the main thread in the order the chunks
 * were submitted, and callbacks queued with `then` run in that order too (a partition counts as read once what came
 * before is applied, not merely fetched).
 */
export interface BulkRead {
  /** Queues a partition's records; resolves once there is room for more (a few chunks ahead at most). */
  submit(partition: number, records: PendingRecord[]): Promise<void>;
  /** Runs `fn` once everything submitted before it is applied (now, if nothing is pending). */
  then(fn: () => void): void;
  /** Resolves when everything submitted is applied. */
  drained(): Promise<void>;
  /** Closes the workers as soon as nothing is pending, calling `gone` first (synchronously with finding it idle). */
  retire(gone: () => void): void;
  close(): Promise<void>;
}

export function createBulkRead(deps: {
  workers: PrepareWorkers;
  threads: number;
  /** Applies a chunk the workers prepared (main thread). */
  applyChunk(partition: number, records: PendingRecord[], prepared: Buffer): void;
  /** Applies a chunk on the main thread from the records themselves (its worker failed). */
  applyOnMain(partition: number, records: PendingRecord[]): void;
  /** While this returns a promise (a snapshot being written), nothing is applied. */
  held?: () => Promise<unknown> | undefined;
  /** The read was given up (by the caller or by `fail`): nothing more is applied. */
  failed: () => boolean;
  /** An application failed: the read cannot go on. */
  fail(err: Error): void;
  logger: Logger;
}): BulkRead {
  type Item = { partition: number; records: PendingRecord[]; out: Promise<Buffer> } | { after: () => void };
  const queue: Item[] = [];
  const ahead = 2 * Math.max(1, deps.threads) + 1;
  let chunks = 0;
  let running: Promise<void> | undefined;
  let retiring: (() => void) | undefined;
  let workerFailed = false;
  const waiters: Array<() => void> = [];
  const retireIfIdle = () => {
    if (!retiring || queue.length > 0 || running) return;
    const gone = retiring;
    retiring = undefined;
    gone();
    void deps.workers.close();
  };
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const run = async () => {
    while (queue.length > 0 && !deps.failed()) {
      const item = queue[0]!;
      if ('after' in item) {
        queue.shift();
        item.after();
        continue;
      }
      let buf: Buffer | undefined;
      try {
        buf = await item.out;
      } catch (err) {
        // A worker gone (out of memory, killed): this chunk, and any after it that fail too, are read here instead.
        if (!workerFailed) deps.logger.warn({ err }, 'a watchlist worker thread failed: reading its records on the main thread');
        workerFailed = true;
      }
      // Nothing is applied while the caller holds the index (a snapshot being written sees it as it was).
      for (let h = deps.held?.(); h; h = deps.held?.()) await h.catch(() => undefined);
      if (deps.failed()) break;
      if (buf) deps.applyChunk(item.partition, item.records, buf);
      else deps.applyOnMain(item.partition, item.records);
      queue.shift();
      chunks--;
      wake();
    }
  };
  const kick = () => {
    running ??= run()
      .catch((err: unknown) => deps.fail(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        running = undefined;
        if (deps.failed()) queue.length = 0;
        wake();
        if (queue.length > 0) kick();
        else retireIfIdle();
      });
  };
  return {
    async submit(partition, records) {
      // Start the worker at once (its answer is awaited in order by `run`); keep the queue a few chunks long.
      const out = deps.workers.prepare(records.map((r) => r.value));
      out.catch(() => undefined); // awaited by `run`; a rejection is handled there
      queue.push({ partition, records, out });
      chunks++;
      kick();
      while (chunks > ahead && !deps.failed()) await new Promise<void>((r) => waiters.push(r));
    },
    then(fn) {
      if (queue.length === 0 && !running) return fn();
      queue.push({ after: fn });
      kick();
    },
    async drained() {
      while (queue.length > 0 && !deps.failed()) await new Promise<void>((r) => waiters.push(r));
    },
    retire(gone) {
      retiring = gone;
      retireIfIdle();
    },
    close: () => deps.workers.close(),
  };
}
