import type { WatchlistEntry } from '../../../../schemas/src';
import { KIND_PERMIT, KIND_VEHICLE, encodeRecord, recordRoom, restJson, type PooledText } from './entry-codec';
import { foldedHash } from './plate-variants';
import { stringHash } from './string-hash';

/**
 * A watchlist entry made ready for the index: its record bytes (`entry-codec.ts`), the text the record refers
 * to by pool id, and every hash the index files it under. Making one is the costly part of an insert (field
 * work, JSON of the rest, hashing); applying one (`CompactWatchlist.upsertPrepared`) is copies and table
 * adds. So a cold start can prepare entries on worker threads (`prepare-worker.ts`) while the main thread only
 * applies them — and an ordinary `upsert` is the same two steps, so both paths are one code.
 *
 * Layout, little-endian:
 *
 *   0 u32 size of this prepared entry (bytes, including this field)
 *   4 u32 hash of the entry id · 8 u32 hash of (kind, key) · 12 u32 folded-plate hash (vehicles; else 0)
 *   16 u32 carrier-plate hash · 20 u8 has carrier plate · 21 u16 record size
 *   23 f64 version (the record holds it too unless it does not fit 32 bits)
 *   31 record bytes, pool ids zero
 *   then 4 × (u32 hash, i32 length or -1 when absent, UTF-8 bytes): reason, validFrom, validUntil, rest
 */
export const PREPARED_HEADER = 31;

export const preparedSize = (buf: Buffer, at: number): number => buf.readUInt32LE(at);
export const preparedIdHash = (buf: Buffer, at: number): number => buf.readUInt32LE(at + 4);
export const preparedKeyHash = (buf: Buffer, at: number): number => buf.readUInt32LE(at + 8);
export const preparedFoldedHash = (buf: Buffer, at: number): number => buf.readUInt32LE(at + 12);
export const preparedCarrierHash = (buf: Buffer, at: number): number | undefined => (buf[at + 20] === 1 ? buf.readUInt32LE(at + 16) : undefined);
export const preparedRecordSize = (buf: Buffer, at: number): number => buf.readUInt16LE(at + 21);
export const preparedVersion = (buf: Buffer, at: number): number => buf.readDoubleLE(at + 23);

/** A growing buffer of prepared entries (and whatever else a caller interleaves: see the worker's op bytes). */
export interface PreparedWriter {
  /** Appends `e` prepared; throws (nothing appended) for a value the record format cannot hold. */
  put(e: WatchlistEntry): void;
  byte(b: number): void;
  /** Appends `src[start, end)` as it is. */
  raw(src: Uint8Array, start: number, end: number): void;
  /** Bytes written so far. */
  length(): number;
  /** The bytes written, in a buffer of their own (transferable to another thread); the writer starts again empty. */
  take(): Buffer;
  /** The writer's own buffer (bytes `[0, length())` written), valid until the next write. */
  bytes(): Buffer;
  /** Starts again empty, keeping its buffer. */
  reset(): void;
  /** Drops what was written after the first `n` bytes. */
  truncate(n: number): void;
}


/** Hashes of recent texts: an import repeats its reasons, times and provenance, and V8 finds a string in a Map faster than `stringHash` walks it. */
const HASH_MEMO_MAX = 4096;

export function createPreparedWriter(initial = 64 * 1024): PreparedWriter {
  let buf = Buffer.allocUnsafeSlow(initial);
  let len = 0;
  const memo = new Map<string, number>();
  const lastText: PooledText[] = [undefined, undefined, undefined, undefined];
  const lastHash = new Uint32Array(4);
  const textHash = (t: string): number => {
    let h = memo.get(t);
    if (h === undefined) {
      h = stringHash(t);
      if (memo.size >= HASH_MEMO_MAX) memo.clear();
      memo.set(t, h);
    }
    return h;
  };
  const ensure = (n: number) => {
    if (len + n <= buf.length) return;
    let cap = buf.length * 2;
    while (cap < len + n) cap *= 2;
    const bigger = Buffer.allocUnsafeSlow(cap);
    buf.copy(bigger, 0, 0, len);
    buf = bigger;
  };
  return {
    put(e) {
      const texts: PooledText[] = [e.reason, e.validFrom, e.validUntil, restJson(e)];
      let room = PREPARED_HEADER + recordRoom(e);
      for (const t of texts) room += 8 + (t === undefined ? 0 : 3 * t.length);
      ensure(room);
      const size = encodeRecord(e, buf, len + PREPARED_HEADER);
      const at = len;
      const kind = buf[at + PREPARED_HEADER]!;
      const carrier = kind === KIND_PERMIT ? e.attributes.carrierPlate : undefined;
      buf.writeUInt32LE(stringHash(e.entryId), at + 4);
      buf.writeUInt32LE(keyHash(kind, e.key), at + 8);
      buf.writeUInt32LE(kind === KIND_VEHICLE ? foldedHash(e.key) : 0, at + 12);
      buf.writeUInt32LE(carrier ? stringHash(carrier) : 0, at + 16);
      buf[at + 20] = carrier ? 1 : 0;
      buf.writeUInt16LE(size, at + 21);
      buf.writeDoubleLE(e.version, at + 23);
      let o = at + PREPARED_HEADER + size;
      for (let i = 0; i < 4; i++) {
        const t = texts[i];
        if (t === undefined) {
          buf.writeUInt32LE(0, o);
          buf.writeInt32LE(-1, o + 4);
          o += 8;
          continue;
        }
        const n = buf.write(t, o + 8, 'utf8');
        // The same text as the last entry's in this place (its validity, its provenance): no hashing at all.
        if (t !== lastText[i]) {
          lastText[i] = t;
          lastHash[i] = textHash(t);
        }
        buf.writeUInt32LE(lastHash[i]!, o);
        buf.writeInt32LE(n, o + 4);
        o += 8 + n;
      }
      buf.writeUInt32LE(o - at, at);
      len = o;
    },
    byte(b) {
      ensure(1);
      buf[len++] = b;
    },
    raw(src, start, end) {
      ensure(end - start);
      buf.set(src.subarray(start, end), len);
      len += end - start;
    },
    length: () => len,
    bytes: () => buf,
    reset() {
      len = 0;
    },
    truncate(n) {
      len = Math.min(len, n);
    },
    take() {
      const out = Buffer.allocUnsafeSlow(len);
      buf.copy(out, 0, 0, len);
      len = 0;
      return out;
    },
  };
}

const KIND_SALT = [0x243f6a88, 0x85a308d3, 0x13198a2e];
/** The hash a (kind, key) pair is filed under in the index's key table. */
export const keyHash = (kind: number, key: string): number => stringHash(key, KIND_SALT[kind]);
