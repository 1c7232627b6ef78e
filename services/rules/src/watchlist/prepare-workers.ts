import { Worker } from 'node:worker_threads';
import type { CompactWatchlist } from './compact-watchlist';
import { preparedSize } from './prepared-entry';

/** What a worker answers for each record, in order: a prepared entry follows `OP_PUT` (`prepared-entry.ts`). */
export const OP_INVALID = 0;
export const OP_PUT = 1;
export const OP_TOMBSTONE = 2;
// A range read straight from the broker (`direct-read.ts`) answers with what the main thread needs besides:
/** A tombstone, then its key: u16 length, UTF-8 bytes. */
export const OP_TOMBSTONE_KEYED = 3;
/** A value that is not an entry, then its offset: f64. */
export const OP_INVALID_AT = 4;

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

/** Applies the answers of a range read (`RangeResult.out`) to `index`, in order. */
export function applyRangeAnswers(index: CompactWatchlist, buf: Buffer, onInvalid: (offset: number) => void): void {
  for (let at = 0; at < buf.length; ) {
    const op = buf[at];
    if (op === OP_PUT) at = index.upsertPrepared(buf, at + 1);
    else if (op === OP_TOMBSTONE_KEYED) {
      const n = buf.readUInt16LE(at + 1);
      index.remove(buf.toString('utf8', at + 3, at + 3 + n));
      at += 3 + n;
    } else if (op === OP_INVALID_AT) {
      onInvalid(buf.readDoubleLE(at + 1));
      at += 9;
    } else throw new Error(`a range answer with op ${op} at byte ${at}`);
  }
}

export interface PrepareRequest {
  kind?: 'values';
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

/** Read `partition`'s records in offsets `[from, to]` from the broker at host:port and prepare them. */
export interface RangeRequest {
  kind: 'range';
  seq: number;
  host: string;
  port: number;
  topic: string;
  partition: number;
  from: number;
  to: number;
  /** Bytes a fetch asks for at most. */
  maxBytes: number;
}
export interface RangeReply {
  seq: number;
  /** The answers (ops with `OP_TOMBSTONE_KEYED` and `OP_INVALID_AT`), one per record; absent when `error` is set. */
  out?: ArrayBuffer;
  records: number;
  /** Offset and key of the last record (−1 and null when the range held none). */
  lastOffset: number;
  lastKey: string | null;
  fetches: number;
  bytes: number;
  /** The range could not be read (broker error, unsupported data): nothing of it is answered. */
  error?: string;
}
export type RangeResult = Omit<RangeReply, 'seq' | 'out' | 'error'> & { out: Buffer };

export interface PrepareWorkers {
  /** Prepares the values (null = tombstone) on the next worker; resolves with one op (and entry) per value, in order. */
  prepare(values: ReadonlyArray<Buffer | null>): Promise<Buffer>;
  /** Reads a range of a partition from its leader on the next worker and prepares it (`direct-read.ts`). */
  readRange(req: Omit<RangeRequest, 'kind' | 'seq'>): Promise<RangeResult>;
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
    const waiting = new Map<number, { resolve: (r: PrepareReply | RangeReply) => void; reject: (e: Error) => void }>();
    const state = { w, waiting, dead: undefined as Error | undefined };
    const failAll = (err: Error) => {
      // postMessage to a worker that has exited is dropped without an error: mark it, so nothing waits on it again.
      state.dead ??= err;
      for (const p of waiting.values()) p.reject(err);
      waiting.clear();
    };
    w.on('message', (r: PrepareReply | RangeReply) => {
      const p = waiting.get(r.seq);
      waiting.delete(r.seq);
      p?.resolve(r);
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => failAll(new Error(`watchlist prepare worker exited (code ${code})`)));
    return state;
  });
  let seq = 0;
  let closed = false;
  /** Posts `req` (given its seq) to the next worker still alive; resolves with its reply. */
  const ask = <R extends PrepareReply | RangeReply>(make: (seq: number) => PrepareRequest | RangeRequest, transfer: ArrayBuffer[] = []): Promise<R> => {
    if (closed) return Promise.reject(new Error('watchlist prepare workers are closed'));
    const id = seq++;
    // Round-robin over the workers still alive; none left: the caller reads the chunk itself.
    const alive = workers.filter((x) => !x.dead);
    if (alive.length === 0) return Promise.reject(workers[0]!.dead ?? new Error('no watchlist prepare worker is alive'));
    const { w, waiting } = alive[id % alive.length]!;
    return new Promise<R>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (r: PrepareReply | RangeReply) => void, reject });
      w.postMessage(make(id), transfer);
    });
  };
  return {
    async readRange(req) {
      const r = await ask<RangeReply>((id) => ({ kind: 'range', seq: id, ...req }));
      if (r.error !== undefined || !r.out) throw new Error(r.error ?? 'no answer');
      return { out: Buffer.from(r.out), records: r.records, lastOffset: r.lastOffset, lastKey: r.lastKey, fetches: r.fetches, bytes: r.bytes };
    },
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
      return ask<PrepareReply>((id) => ({ seq: id, data, lengths }), [data, lengths.buffer as ArrayBuffer]).then((r) => Buffer.from(r.out));
    },
    inFlight: () => workers.reduce((n, x) => n + x.waiting.size, 0),
    async close() {
      closed = true;
      await Promise.all(workers.map(({ w }) => w.terminate()));
    },
  };
}
