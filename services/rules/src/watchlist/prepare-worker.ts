import { parentPort } from 'node:worker_threads';
import { parseWatchlistEntry } from '../../../../schemas/src';
import { parseJson } from '../dead-letter';
import { createPreparedWriter } from './prepared-entry';
import { OP_INVALID, OP_PUT, OP_TOMBSTONE, type PrepareReply, type PrepareRequest } from './prepare-workers';

/**
 * One thread of `prepare-workers.ts`: watchlist record values in, prepared entries out, in order — the JSON
 * parse, the schema check and the encoding a cold start spends most of its time on, off the main thread.
 * The same functions as the main thread's own path (`reference-loader.ts`), so an entry is accepted,
 * rejected and stored the same whichever path it took.
 */
const writer = createPreparedWriter(1 << 20);
parentPort!.on('message', (req: PrepareRequest) => {
  const data = Buffer.from(req.data);
  let at = 0;
  for (const len of req.lengths) {
    if (len < 0) {
      writer.byte(OP_TOMBSTONE);
      continue;
    }
    const parsed = parseWatchlistEntry(parseJson(data.toString('utf8', at, at + len)));
    at += len;
    const mark = writer.length();
    if (parsed.success) {
      writer.byte(OP_PUT);
      try {
        writer.put(parsed.data);
        continue;
      } catch {
        // The record format cannot hold it (an id or key too long): skipped, as the main thread's path would.
        writer.truncate(mark);
      }
    }
    writer.byte(OP_INVALID);
  }
  const out = writer.take();
  const reply: PrepareReply = { seq: req.seq, out: out.buffer as ArrayBuffer };
  parentPort!.postMessage(reply, [out.buffer as ArrayBuffer]);
});
