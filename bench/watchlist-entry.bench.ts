import { parseArgs } from 'node:util';
import { WatchlistEntrySchema, parseWatchlistEntry } from '../schemas/src';
import { createCompactWatchlist } from '../services/rules/src/watchlist/compact-watchlist';
import { createPreparedWriter } from '../services/rules/src/watchlist/prepared-entry';
import { entryAt } from './lib/watchlist-entries';
import { describeMachine } from './machine';

/**
 * What one watchlist entry costs on its way into the index, step by step, on one core and without Kafka: the steps
 * a worker thread does during a big read (UTF-8 decode, JSON.parse, the check, preparing the entry) and the one
 * the main thread does (applying it), with zod's check alongside the fast path's for comparison. Entries are the
 * 10 M bench's (`lib/watchlist-entries.ts`), in chunks of 2,500 as a worker gets them; best of 3 rounds.
 *
 *   npx tsx bench/watchlist-entry.bench.ts [--entries 300000]
 */
const { values: args } = parseArgs({ options: { entries: { type: 'string', default: '300000' } } });
const N = Number(args.entries);
const values = Array.from({ length: N }, (_, i) => Buffer.from(JSON.stringify(entryAt(i))));
const data = Buffer.concat(values);
const lengths = values.map((v) => v.length);

const us = (ms: number) => Math.round((ms * 1000 * 100) / N) / 100;
/** Records a worker gets at once (a partition's fetch of ~1 MB): each step runs over one chunk at a time, as there. */
const CHUNK = 2_500;
const best: Record<string, number> = {};
for (let round = 0; round < 3; round++) {
  const sum: Record<string, number> = { utf8Decode: 0, jsonParse: 0, zodCheck: 0, fastCheck: 0, prepare: 0, apply: 0 };
  const index = createCompactWatchlist({ expectedEntries: N });
  const w = createPreparedWriter(1 << 20);
  let at = 0;
  for (let from = 0; from < N; from += CHUNK) {
    const lens = lengths.slice(from, from + CHUNK);
    let s = performance.now();
    const texts = lens.map((len) => {
      const str = data.toString('utf8', at, at + len);
      at += len;
      return str;
    });
    sum.utf8Decode! += performance.now() - s;
    s = performance.now();
    const objects = texts.map((x) => JSON.parse(x) as unknown);
    sum.jsonParse! += performance.now() - s;
    s = performance.now();
    for (const o of objects) WatchlistEntrySchema.safeParse(o);
    sum.zodCheck! += performance.now() - s;
    s = performance.now();
    const entries = objects.map((o) => parseWatchlistEntry(o).data!);
    sum.fastCheck! += performance.now() - s;
    s = performance.now();
    for (const e of entries) w.put(e);
    const prepared = w.take();
    sum.prepare! += performance.now() - s;
    s = performance.now();
    for (let p = 0; p < prepared.length; ) p = index.upsertPrepared(prepared, p);
    sum.apply! += performance.now() - s;
  }
  for (const [k, ms] of Object.entries(sum)) best[k] = Math.min(best[k] ?? Infinity, us(ms));
}
const worker = best.utf8Decode! + best.jsonParse! + best.fastCheck! + best.prepare!;
console.log(JSON.stringify({ date: new Date().toISOString(), entries: N, machine: describeMachine(), microsecondsPerEntry: { ...best, workerThreadTotal: Math.round(worker * 100) / 100, mainThreadApply: best.apply } }, null, 2));
