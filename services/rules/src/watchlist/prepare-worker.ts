import { parentPort } from 'node:worker_threads';
import { parseWatchlistEntry } from '../../../../schemas/src';
import { parseJson } from '../dead-letter';
import { connectBroker, type BrokerConnection } from './broker-connection';
import { nextFetchOffset, visitCommitted } from './kafka-fetch';
import { createPreparedWriter, type PreparedWriter } from './prepared-entry';
import { OP_INVALID, OP_INVALID_AT, OP_PUT, OP_TOMBSTONE, OP_TOMBSTONE_KEYED, type PrepareReply, type PrepareRequest, type RangeReply, type RangeRequest } from './prepare-workers';

/**
 * One thread of `prepare-workers.ts`: watchlist record values in, prepared entries out, in order — the JSON
 * parse, the schema check and the encoding a cold start spends most of its time on, off the main thread.
 * The same functions as the main thread's own path (`reference-loader.ts`), so an entry is accepted,
 * rejected and stored the same whichever path it took. A `range` request has the worker fetch the records
 * from the broker itself first (`direct-read.ts`), so they never pass through the main thread at all.
 */
const writer = createPreparedWriter(1 << 20);

/** Appends the answer for one value, `buf[start, end)`: `OP_PUT` and the prepared entry, or false (not an entry). */
function prepareValue(w: PreparedWriter, buf: Buffer, start: number, end: number): boolean {
  const parsed = parseWatchlistEntry(parseJson(buf.toString('utf8', start, end)));
  if (!parsed.success) return false;
  const mark = w.length();
  w.byte(OP_PUT);
  try {
    w.put(parsed.data);
    return true;
  } catch {
    // The record format cannot hold it (an id or key too long): skipped, as the main thread's path would.
    w.truncate(mark);
    return false;
  }
}

function prepareValues(req: PrepareRequest): PrepareReply {
  const data = Buffer.from(req.data);
  let at = 0;
  for (const len of req.lengths) {
    if (len < 0) {
      writer.byte(OP_TOMBSTONE);
      continue;
    }
    if (!prepareValue(writer, data, at, at + len)) writer.byte(OP_INVALID);
    at += len;
  }
  const out = writer.take();
  return { seq: req.seq, out: out.buffer as ArrayBuffer };
}

/** A broker that has not answered a fetch (or a connect) in this long is given up on: the consumer reads on instead. */
const FETCH_TIMEOUT_MS = 10_000;
const connections = new Map<string, BrokerConnection>();
const connection = (host: string, port: number): BrokerConnection => {
  const id = `${host}:${port}`;
  let c = connections.get(id);
  if (!c || c.closed()) connections.set(id, (c = connectBroker(host, port, { clientId: 'rules-watchlist-read', timeoutMs: FETCH_TIMEOUT_MS })));
  return c;
};

const scratch = Buffer.alloc(8);
/** Bytes an offset of this topic takes, as last seen: sizes a range's last fetch to what is left of it. */
let bytesPerOffset = 0;

async function readRange(req: RangeRequest): Promise<RangeReply> {
  const conn = connection(req.host, req.port);
  const fetchFrom = (offset: number) => {
    const left = req.to - offset + 1;
    const want = bytesPerOffset > 0 ? Math.ceil(left * bytesPerOffset * 1.1) + 16 * 1024 : req.maxBytes;
    const p = conn.fetch({ topic: req.topic, partition: req.partition, offset, maxBytes: Math.max(64 * 1024, Math.min(req.maxBytes, want)), maxWaitMs: 200 });
    p.catch(() => undefined); // awaited below; a failure while the one before is prepared is seen there
    return p;
  };
  const reply: RangeReply = { seq: req.seq, records: 0, lastOffset: -1, lastKey: null, fetches: 0, bytes: 0 };
  writer.reset();
  let offset = req.from;
  let pending = fetchFrom(offset);
  for (;;) {
    const res = await pending;
    reply.fetches++;
    reply.bytes += res.records.length;
    if (res.errorCode !== 0) throw new Error(`partition ${req.partition} at offset ${offset}: the broker answered error code ${res.errorCode}`);
    const next = nextFetchOffset(res.records, offset);
    if (next === offset)
      throw new Error(`partition ${req.partition}: no whole record batch at offset ${offset} (last stable offset ${res.lastStableOffset}, high watermark ${res.highWatermark})`);
    bytesPerOffset = res.records.length / (next - offset);
    // The next fetch goes out before this one's records are prepared: the broker answers meanwhile.
    const more = next <= req.to;
    if (more) pending = fetchFrom(next);
    // The last record's key is made a string once a fetch, from where it lies (a compressed batch's own buffer).
    let keyBuf: Buffer | undefined;
    let keyStart = -1;
    let keyEnd = -1;
    visitCommitted(res.records, res.aborted, offset, (r) => {
      if (r.offset > req.to) return false;
      reply.records++;
      reply.lastOffset = r.offset;
      keyBuf = r.buf;
      keyStart = r.keyStart;
      keyEnd = r.keyEnd;
      if (r.valueStart < 0) {
        const keyLen = r.keyStart < 0 ? 0 : r.keyEnd - r.keyStart;
        if (keyLen > 0xffff) throw new Error(`partition ${req.partition} offset ${r.offset}: a key of ${keyLen} bytes`);
        writer.byte(OP_TOMBSTONE_KEYED);
        scratch.writeUInt16LE(keyLen, 0);
        writer.raw(scratch, 0, 2);
        if (keyLen > 0) writer.raw(r.buf, r.keyStart, r.keyEnd);
      } else if (!prepareValue(writer, r.buf, r.valueStart, r.valueEnd)) {
        writer.byte(OP_INVALID_AT);
        scratch.writeDoubleLE(r.offset, 0);
        writer.raw(scratch, 0, 8);
      }
      return true;
    });
    if (keyBuf) reply.lastKey = keyStart < 0 ? '' : keyBuf.toString('utf8', keyStart, keyEnd);
    offset = next;
    if (!more) break;
  }
  const out = writer.take();
  reply.out = out.buffer as ArrayBuffer;
  return reply;
}

/** Requests are answered one at a time, in the order they came (they share the writer). */
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (req: PrepareRequest | RangeRequest) => {
  queue = queue.then(async () => {
    if (req.kind !== 'range') {
      const reply = prepareValues(req);
      parentPort!.postMessage(reply, [reply.out]);
      return;
    }
    let reply: RangeReply;
    try {
      reply = await readRange(req);
    } catch (err) {
      writer.reset();
      reply = { seq: req.seq, records: 0, lastOffset: -1, lastKey: null, fetches: 0, bytes: 0, error: err instanceof Error ? err.message : String(err) };
    }
    parentPort!.postMessage(reply, reply.out ? [reply.out] : []);
  });
});
