import { Worker } from 'node:worker_threads';
import type { CompactWatchlist } from './compact-watchlist';
import { preparedSize } from './prepared-entry';

/** What a worker answers for each record, in order: a prepared entry follows `OP_PUT` (`prepared-entry.ts`). */
export const OP_INVALID = 0;
export const OP_PUT = 1;
export const OP_TOMBSTONE = 2;

/** Where the answer after the one at `buf[at]` starts. */
export const nextAnswer = (buf: Buffer, at: number): number => (buf[at] === OP_PUT ? at + 1 + preparedSize(buf, at + 1) : at + 1);

/**
 * Applies the answer at `buf[at]` for the record keyed `key` to `index` (a put, a removal, or `onInvalid` for a value
 * that is not an entry) and returns where the next answer starts.
 */
export function applyAnswer(index: CompactWatchlist, key: string, buf: Buffer, at: number, onInvalid: () => void): number {
  const op = buf[at];
  if (op === OP_PUT) return index.upsertPrepared(buf, at + 1);
  if (op === OP_TOMBSTONE) index.remove(key);
  else onInvalid();
  return at + 1;
}

export interface PrepareRequest {
  seq: number;
  /** The records' values, back to back. */
  data: ArrayBuffer;
  /** Byte length of each value; -1 for a tombstone (no value). */
  lengths: Int32Array;
}
export interface PrepareReply {
  seq: number;
  out: ArrayBuffer;
}

export interface PrepareWorkers {
  /** Prepares the values (null = tombstone) on the next worker; resolves with one op (and entry) per value, in order. */
  prepare(values: ReadonlyArray<Buffer | null>): Promise<Buffer>;
  /** Chunks sent and not answered yet. */
  inFlight(): number;
  close(): Promise<void>;
}

/**
 * A few worker threads that turn watchlist record values into prepared entries (`prepare-worker.ts`), so a
 * rules instance reading millions of entries at start parses and checks them on every core while its main
 * thread only applies them to the index. Chunks go round-robin; each worker answers its own in order, and
 * the caller applies the answers in the order it asked (it awaits each chunk's promise in turn).
 */
export function createPrepareWorkers(count: number, opts: { /** Another worker script (tests). */ script?: URL } = {}): PrepareWorkers {
  const workers = Array.from({ length: Math.max(1, count) }, () => {
    const w = new Worker(opts.script ?? new URL('./prepare-worker-boot.mjs', import.meta.url));
    const waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
    const state = { w, waiting, dead: undefined as Error | undefined };
    const failAll = (err: Error) => {
      // postMessage to a worker that has exited is dropped without an error: mark it, so nothing waits on it again.
      state.dead ??= err;
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
    };
    w.on('message', (r: PrepareReply) => {
      const p = waiting.get(r.seq);
      waiting.delete(r.seq);
      p?.resolve(Buffer.from(r.out));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => failAll(new Error(`watchlist prepare worker exited (code ${code})`)));
    return state;
  });
  let seq = 0;
  let closed = false;
  return {
    prepare(values) {
      if (closed) return Promise.reject(new Error('watchlist prepare workers are closed'));
      let total = 0;
      const lengths = new Int32Array(values.length);
      values.forEach((v, i) => {
        lengths[i] = v ? v.length : -1;
        total += v ? v.length : 0;
      });
      const data = new ArrayBuffer(total);
      const bytes = new Uint8Array(data);
      let at = 0;
      for (const v of values) {
        if (!v) continue;
        bytes.set(v, at);
        at += v.length;
      }
      const id = seq++;
      // Round-robin over the workers still alive; none left: the caller reads the chunk itself.
      const alive = workers.filter((x) => !x.dead);
      if (alive.length === 0) return Promise.reject(workers[0]!.dead ?? new Error('no watchlist prepare worker is alive'));
      const { w, waiting } = alive[id % alive.length]!;
      return new Promise<Buffer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const req: PrepareRequest = { seq: id, data, lengths };
        w.postMessage(req, [data, lengths.buffer as ArrayBuffer]);
      });
    },
    inFlight: () => workers.reduce((n, x) => n + x.waiting.size, 0),
    async close() {
      closed = true;
      await Promise.all(workers.map(({ w }) => w.terminate()));
    },
  };
}
