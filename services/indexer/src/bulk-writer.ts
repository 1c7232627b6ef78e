import type { Logger } from '../../../lib/logger';
import type { BulkOperation } from './bulk-operation';

/** Per-operation result of a bulk request, as Elasticsearch reports it. */
export interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string | null } | undefined;
}
export type BulkSend = (operations: object[]) => Promise<BulkItemResult[]>;

export type Outcome = { result: 'indexed' | 'duplicate' } | { result: 'dead'; reason: string };

export interface BulkWriter {
  /** Resolves once every operation is indexed, already present, or known never to be indexable. */
  write(ops: readonly BulkOperation[], signal?: AbortSignal): Promise<Outcome[]>;
  /** False while Elasticsearch refuses or cannot be reached. */
  isHealthy(): boolean;
  markUnhealthy(): void;
  /** Rejects every pending write; they are consumed again after the restart. */
  close(): void;
}

export interface BulkStats {
  docs: number;
  indexed: number;
  duplicates: number;
  dead: number;
  retried: number;
  seconds: number;
}

interface Submission {
  outcomes: Outcome[];
  remaining: number;
  cancelled: boolean;
  resolve(o: Outcome[]): void;
  reject(err: Error): void;
}
interface Item {
  op: BulkOperation;
  sub: Submission;
  index: number;
}

/** What to do with one item of a bulk response. */
export function classify(r: BulkItemResult): Outcome | 'retry' {
  if (r.status < 300) return { result: 'indexed' };
  // 409: the same event already indexed, or a newer (or the same) hit version already there.
  if (r.status === 409) return { result: 'duplicate' };
  if (r.status === 429 || r.status >= 500) return 'retry';
  return { result: 'dead', reason: `${r.status} ${r.error?.type ?? 'error'}: ${r.error?.reason ?? ''}`.slice(0, 2000) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Coalesces the operations of concurrently consumed partitions into one bulk request (up to `maxDocs`),
 * after a short linger so batches fetched together are sent together. While Elasticsearch is down or
 * overloaded the same operations are retried with capped exponential backoff; nothing is dropped and
 * nothing is reported done until Elasticsearch accepted it, so the caller commits offsets only then.
 */
export function createBulkWriter(deps: {
  send: BulkSend;
  /** Runs before the first bulk (index templates must exist before the first document). */
  prepare: () => Promise<void>;
  maxDocs?: number;
  /** Bulk requests in flight at once when work is queued (Elasticsearch indexes them on separate threads). */
  maxInFlight?: number;
  lingerMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  logger: Logger;
  onBulk?: (s: BulkStats) => void;
}): BulkWriter {
  const log = deps.logger.child({ component: 'bulk-writer' });
  const maxDocs = deps.maxDocs ?? 5_000;
  const lingerMs = deps.lingerMs ?? 5;
  const backoff = deps.backoff ?? { initialMs: 200, maxMs: 5_000 };
  const maxInFlight = deps.maxInFlight ?? 2;
  let queue: Item[] = [];
  /** Loops sending bulks; a second one starts only while a full bulk's worth more is waiting. */
  let lanes = 0;
  let closed = false;
  let preparing: Promise<void> | undefined;
  let healthy = true;
  let delay = backoff.initialMs;

  const settle = (it: Item, o: Outcome) => {
    if (it.sub.cancelled) return;
    it.sub.outcomes[it.index] = o;
    if (--it.sub.remaining === 0) it.sub.resolve(it.sub.outcomes);
  };

  const failed = async (retry: Item[], err?: unknown) => {
    queue = [...retry.filter((i) => !i.sub.cancelled), ...queue];
    if (err !== undefined) {
      healthy = false;
      log.warn({ err: err instanceof Error ? err.message : String(err), pending: queue.length, delayMs: delay }, 'Elasticsearch unavailable; retrying without committing');
    } else log.warn({ pending: retry.length, delayMs: delay }, 'Elasticsearch pushed back (429/5xx); retrying those documents');
    await sleep(delay);
    delay = Math.min(delay * 2, backoff.maxMs);
  };

  const loop = async () => {
    while (queue.length && !closed) {
      if (queue.length < maxDocs && healthy) await sleep(lingerMs);
      queue = queue.filter((i) => !i.sub.cancelled);
      const take = queue.splice(0, maxDocs);
      if (!take.length) continue;
      const t0 = performance.now();
      try {
        preparing ??= deps.prepare().catch((err: unknown) => {
          preparing = undefined;
          throw err;
        });
        await preparing;
        more();
        const items = await deps.send(take.flatMap((i) => [i.op.action, i.op.doc]));
        if (items.length !== take.length) throw new Error(`bulk answered ${items.length} items for ${take.length} operations`);
        const retry: Item[] = [];
        const stats: BulkStats = { docs: take.length, indexed: 0, duplicates: 0, dead: 0, retried: 0, seconds: 0 };
        items.forEach((r, k) => {
          const o = classify(r);
          if (o === 'retry') {
            stats.retried++;
            retry.push(take[k]!);
            return;
          }
          if (o.result === 'indexed') stats.indexed++;
          else if (o.result === 'duplicate') stats.duplicates++;
          else stats.dead++;
          settle(take[k]!, o);
        });
        stats.seconds = (performance.now() - t0) / 1000;
        deps.onBulk?.(stats);
        healthy = true;
        if (retry.length) await failed(retry);
        else delay = backoff.initialMs;
      } catch (err) {
        await failed(take, err);
      }
    }
    lanes--;
  };
  /** Starts a lane when none runs, or another while more than a bulk's worth is still waiting. */
  const more = () => {
    while (!closed && queue.length && lanes < maxInFlight && (lanes === 0 || queue.length >= maxDocs)) {
      lanes++;
      void loop();
    }
  };

  return {
    write(ops, signal) {
      if (closed) return Promise.reject(new Error('indexer stopping'));
      if (!ops.length) return Promise.resolve([]);
      return new Promise<Outcome[]>((resolve, reject) => {
        const sub: Submission = { outcomes: new Array<Outcome>(ops.length), remaining: ops.length, cancelled: false, resolve, reject };
        signal?.addEventListener('abort', () => {
          sub.cancelled = true;
          reject(new Error('write abandoned'));
        }, { once: true });
        ops.forEach((op, index) => queue.push({ op, sub, index }));
        more();
      });
    },
    isHealthy: () => healthy,
    markUnhealthy() {
      healthy = false;
    },
    close() {
      closed = true;
      for (const it of queue) if (!it.sub.cancelled) {
        it.sub.cancelled = true;
        it.sub.reject(new Error('indexer stopping'));
      }
      queue = [];
    },
  };
}
