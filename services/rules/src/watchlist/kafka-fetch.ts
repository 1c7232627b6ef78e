/**
 * Just enough of the Kafka protocol for a worker thread to read a range of one partition straight from its
 * leader (`direct-read.ts`): a Fetch v4 request, its response, and the v2 record batches in it, read committed.
 * The records are visited in place — offsets, keys and values as positions in the response buffer — where kafkajs
 * makes an object, two `Buffer`s and strings of every record on the main thread. Anything outside this subset
 * (an old message format, compression other than gzip, an offset past 2^53, a broker error) throws a
 * `DirectReadUnsupported` or a `KafkaFetchError`, and the caller reads through kafkajs instead.
 *
 * Fetch v4 (non-flexible) is served by Kafka 0.11 up to 4.x. References: the protocol guide
 * (kafka.apache.org/protocol, "Fetch API", "Record Batch") and the Java consumer's read-committed filter
 * (`CompletedFetch`), which this follows.
 */
import { gunzipSync } from 'node:zlib';

export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 4;
const READ_COMMITTED = 1;

const ATTR_COMPRESSION = 0x07;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const COMPRESSION_GZIP = 1;
/** Bytes of a v2 batch header after its base offset and length (epoch … record count). */
const BATCH_HEADER_REST = 49;
const CONTROL_ABORT = 0;

/** Something this reader does not do (the kafkajs path does): not an error in the data. */
export class DirectReadUnsupported extends Error {}
/** The broker answered with an error code (a leader moved, an offset out of range, …). */
export class KafkaFetchError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A size-prefixed Fetch v4 request (header v1) for one partition from `offset`, read committed. */
export function encodeFetchRequest(r: { correlationId: number; clientId: string; topic: string; partition: number; offset: number; maxBytes: number; maxWaitMs: number }): Buffer {
  const client = Buffer.from(r.clientId, 'utf8');
  const topic = Buffer.from(r.topic, 'utf8');
  const size = 2 + 2 + 4 + 2 + client.length + 4 + 4 + 4 + 4 + 1 + 4 + 2 + topic.length + 4 + 4 + 8 + 4;
  const b = Buffer.alloc(4 + size);
  let o = b.writeInt32BE(size, 0);
  o = b.writeInt16BE(FETCH_API_KEY, o);
  o = b.writeInt16BE(FETCH_VERSION, o);
  o = b.writeInt32BE(r.correlationId, o);
  o = b.writeInt16BE(client.length, o);
  o += client.copy(b, o);
  o = b.writeInt32BE(-1, o); // replica id: a consumer
  o = b.writeInt32BE(r.maxWaitMs, o);
  o = b.writeInt32BE(1, o); // min bytes
  o = b.writeInt32BE(r.maxBytes, o); // the response's limit (a first batch larger than it still comes whole)
  o = b.writeInt8(READ_COMMITTED, o);
  o = b.writeInt32BE(1, o); // topics
  o = b.writeInt16BE(topic.length, o);
  o += topic.copy(b, o);
  o = b.writeInt32BE(1, o); // partitions
  o = b.writeInt32BE(r.partition, o);
  o = b.writeBigInt64BE(BigInt(r.offset), o);
  b.writeInt32BE(r.maxBytes, o);
  return b;
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: number;
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  aborted: AbortedTransaction[];
  /** The record batches (the last may be cut short by the size limit); empty when there are none. */
  records: Buffer;
}

const int64 = (b: Buffer, at: number): number => {
  const n = b.readBigInt64BE(at);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new DirectReadUnsupported(`an offset past 2^53 (${n})`);
  return Number(n);
};

/** The one partition of a Fetch v4 response body (after the size and correlation id) for a one-partition request. */
export function decodeFetchResponse(body: Buffer): FetchedPartition {
  let o = 4; // throttle time
  const topics = body.readInt32BE(o);
  o += 4;
  if (topics !== 1) throw new DirectReadUnsupported(`a fetch response with ${topics} topics`);
  o += 2 + body.readInt16BE(o); // topic name
  const partitions = body.readInt32BE(o);
  o += 4;
  if (partitions !== 1) throw new DirectReadUnsupported(`a fetch response with ${partitions} partitions`);
  o += 4; // partition index
  const errorCode = body.readInt16BE(o);
  const highWatermark = int64(body, o + 2);
  const lastStableOffset = int64(body, o + 10);
  o += 18;
  const count = body.readInt32BE(o);
  o += 4;
  const aborted: AbortedTransaction[] = [];
  for (let i = 0; i < count; i++, o += 16) aborted.push({ producerId: body.readBigInt64BE(o), firstOffset: int64(body, o + 8) });
  const size = body.readInt32BE(o);
  o += 4;
  return { errorCode, highWatermark, lastStableOffset, aborted, records: size <= 0 ? Buffer.alloc(0) : body.subarray(o, o + size) };
}

/** A record as it lies in a buffer: its key and value are `[start, end)` positions (a null one: start −1). */
export interface RecordView {
  offset: number;
  buf: Buffer;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

/** The offset after the last whole batch in `records` (`from` when there is none). */
export function nextFetchOffset(records: Buffer, from: number): number {
  let next = from;
  for (let o = 0; o + 61 <= records.length; ) {
    const length = records.readInt32BE(o + 8);
    if (o + 12 + length > records.length) break;
    next = Math.max(next, int64(records, o) + records.readInt32BE(o + 23) + 1);
    o += 12 + length;
  }
  return next;
}

/**
 * Visits the committed data records of the whole batches in `records` with offsets ≥ `from`, in order: control
 * batches are skipped, and so are transactional batches of a producer whose transaction `aborted` lists (the
 * broker's list, in the order the aborts were written; it is sorted here by first offset, as the Java consumer does).
 * `visit` returns false to stop. Returns the offset after the last whole batch read (`from` when there was none).
 * `view` is one object, filled again for every record.
 */
export function visitCommitted(records: Buffer, aborted: readonly AbortedTransaction[], from: number, visit: (r: RecordView) => boolean): number {
  const pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  let nextAborted = 0;
  const abortedProducers = new Set<bigint>();
  let next = from;
  const view: RecordView = { offset: 0, buf: records, keyStart: -1, keyEnd: -1, valueStart: -1, valueEnd: -1 };
  for (let o = 0; o + 61 <= records.length; ) {
    const base = int64(records, o);
    const length = records.readInt32BE(o + 8);
    const end = o + 12 + length;
    if (end > records.length) break; // cut short by the size limit: fetched again next time
    const magic = records[o + 16];
    if (magic !== 2) throw new DirectReadUnsupported(`a message set of format ${magic}`);
    const attributes = records.readInt16BE(o + 21);
    const last = base + records.readInt32BE(o + 23);
    const producerId = records.readBigInt64BE(o + 43);
    const count = records.readInt32BE(o + 57);
    const batchStart = o;
    o = end;
    next = Math.max(next, last + 1);
    // (A batch before `from` still closes a transaction: its abort marker ends that producer's aborted run.)
    if (producerId >= 0n) {
      while (nextAborted < pending.length && pending[nextAborted]!.firstOffset <= last) abortedProducers.add(pending[nextAborted++]!.producerId);
      if (attributes & ATTR_CONTROL) {
        if (count > 0 && controlType(records, batchStart + 12 + BATCH_HEADER_REST) === CONTROL_ABORT) abortedProducers.delete(producerId);
        continue;
      }
      if (attributes & ATTR_TRANSACTIONAL && abortedProducers.has(producerId)) continue;
    }
    if (attributes & ATTR_CONTROL || last < from) continue;
    let data = records;
    let r = batchStart + 12 + BATCH_HEADER_REST;
    let dataEnd = end;
    const compression = attributes & ATTR_COMPRESSION;
    if (compression === COMPRESSION_GZIP) {
      data = gunzipSync(records.subarray(r, end));
      r = 0;
      dataEnd = data.length;
    } else if (compression !== 0) throw new DirectReadUnsupported(`record batches compressed with codec ${compression}`);
    view.buf = data;
    for (let i = 0; i < count && r < dataEnd; i++) {
      // Record: length, attributes, timestamp delta, offset delta, key, value, headers (varints zigzag-encoded).
      const [len, afterLen] = varint(data, r);
      const recordEnd = afterLen + len;
      let p = afterLen + 1;
      p = skipVarint(data, p); // timestamp delta
      const [offsetDelta, afterDelta] = varint(data, p);
      const [keyLen, afterKeyLen] = varint(data, afterDelta);
      view.keyStart = keyLen < 0 ? -1 : afterKeyLen;
      view.keyEnd = keyLen < 0 ? -1 : afterKeyLen + keyLen;
      p = afterKeyLen + Math.max(0, keyLen);
      const [valueLen, afterValueLen] = varint(data, p);
      view.valueStart = valueLen < 0 ? -1 : afterValueLen;
      view.valueEnd = valueLen < 0 ? -1 : afterValueLen + valueLen;
      view.offset = base + offsetDelta;
      r = recordEnd;
      if (view.offset < from) continue;
      if (!visit(view)) return next;
    }
    view.buf = records;
  }
  return next;
}

/** A control record's type (its key: int16 version, int16 type). */
function controlType(b: Buffer, recordAt: number): number {
  const [, afterLen] = varint(b, recordAt);
  let p = skipVarint(b, afterLen + 1);
  p = skipVarint(b, p);
  const [keyLen, afterKeyLen] = varint(b, p);
  return keyLen >= 4 ? b.readInt16BE(afterKeyLen + 2) : -1;
}

/** A zigzag varint (up to 32 bits) at `at`: [value, position after it]. */
export function varint(b: Buffer, at: number): [number, number] {
  let n = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const byte = b[p++];
    if (byte === undefined) throw new RangeError('a varint runs past the end of the batch');
    n |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    if (shift > 28) throw new RangeError('a varint longer than 5 bytes');
  }
  return [(n >>> 1) ^ -(n & 1), p];
}

/** The position after a varint or varlong at `at`. */
function skipVarint(b: Buffer, at: number): number {
  let p = at;
  for (let i = 0; i < 10; i++) {
    const byte = b[p++];
    if (byte === undefined) throw new RangeError('a varint runs past the end of the batch');
    if ((byte & 0x80) === 0) return p;
  }
  throw new RangeError('a varlong longer than 10 bytes');
}
