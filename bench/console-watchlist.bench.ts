import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureStack } from '../infra/stack/stack';
import { topicNames } from '../infra/topics';
import { createKafka } from '../lib/kafka';
import { createLogger } from '../lib/logger';
import { retry } from '../lib/retry';
import { createWatchlistView } from '../services/console/src/watchlist-view';
import { loadConsoleConfig } from '../services/console/src/config';
import { describeMachine } from './machine';
import { entryAt } from './lib/watchlist-entries';
import { parseWatchlistEntry, type WatchlistEntry } from '../schemas/src';

/**
 * The console's copy of the watchlist at scale: how long it takes to read, the memory it holds, and how long a
 * listing takes (all entries, one kind in one province, a text search); and, for comparison, the heap an entry
 * takes held as a parsed object in a Map (as the console held them before). Reads the topic `bench/watchlist.bench.ts`
 * made (`bench-wl-<N>-watchlist.v1`; run that first, `--quick` for 1 M).
 *
 *   node --expose-gc --import tsx bench/console-watchlist.bench.ts [--entries 1000000] [--out file.json]
 */
const { values: args } = parseArgs({ options: { entries: { type: 'string', default: '1000000' }, out: { type: 'string' } } });
const N = Number(args.entries);
const say = (m: string) => process.stderr.write(`${m}\n`);

async function main() {
  const { kafkaBrokers } = await ensureStack();
  const logger = createLogger({ level: 'warn', name: 'bench-console-watchlist' });
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'bench-console-watchlist', logger });
  const topic = topicNames(`bench-wl-${N}-`).watchlist;
  const admin = kafka.admin();
  await admin.connect();
  const held = (await retry(() => admin.fetchTopicOffsets(topic)).catch(() => [])).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  await admin.disconnect();
  if (held < N) throw new Error(`${topic} holds ${held} records: run \`npx tsx bench/watchlist.bench.ts --entries ${N}\` first`);

  // As a console instance reads it: its defaults (WATCHLIST_LOAD_THREADS, …_FROM), overridable the same way.
  const config = loadConsoleConfig({ AUTH_SECRET: 'bench-only-secret-not-used-for-tokens-here', ...process.env });
  const loadThreads = { threads: config.WATCHLIST_LOAD_THREADS, fromRecords: config.WATCHLIST_LOAD_THREADS_FROM, direct: config.WATCHLIST_DIRECT_READ };
  const view = createWatchlistView({ kafka, topic, logger, loadThreads });
  const t0 = performance.now();
  await view.start();
  const loadSeconds = (performance.now() - t0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  say(`read ${view.size().toLocaleString('en-US')} entries in ${loadSeconds.toFixed(1)} s; rss ${Math.round(m.rss / 2 ** 20)} MiB`);
  const time = async (what: string, f: () => Promise<{ total: number }>) => {
    const runs: number[] = [];
    let total = 0;
    for (let k = 0; k < 3; k++) {
      const s = performance.now();
      total = (await f()).total;
      runs.push(Math.round(performance.now() - s));
    }
    say(`  ${what}: ${Math.min(...runs)} ms (best of 3), ${total.toLocaleString('en-US')} matches`);
    return { ms: Math.min(...runs), total };
  };
  const listing = {
    all: await time('list all, national scope', () => view.list({ inScope: () => true }, 100)),
    vehiclesInShanxi: await time('vehicles owned in Shanxi (14)', () => view.list({ inScope: (j) => j.startsWith('14'), kind: 'vehicle' }, 100)),
    textSearch: await time('text search "刑侦字12345"', () => view.list({ inScope: () => true, needle: '刑侦字12345' }, 100)),
  };
  await view.stop();

  // For comparison: the same kind of entries held as the console held them before, parsed objects in a Map.
  const sample = Math.min(N, 500_000);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const objects = new Map<string, WatchlistEntry>();
  for (let i = 0; i < sample; i++) {
    const e = parseWatchlistEntry(JSON.parse(JSON.stringify(entryAt(i)))).data!;
    objects.set(e.entryId, e);
  }
  gc?.();
  const objectBytesPerEntry = Math.round((process.memoryUsage().heapUsed - before) / objects.size);
  say(`as JS objects in a Map: ${objectBytesPerEntry} heap bytes an entry (${sample.toLocaleString('en-US')} held)${gc ? '' : ' — run with --expose-gc for a clean figure'}`);
  const result = { date: new Date().toISOString(), name: 'console-watchlist', entries: view.size(), machine: describeMachine(), loadSeconds: Math.round(loadSeconds * 10) / 10, loadThreads, rssMiB: Math.round(m.rss / 2 ** 20), heapUsedMiB: Math.round(m.heapUsed / 2 ** 20), externalMiB: Math.round(m.external / 2 ** 20), listingMs: listing, asObjects: { entries: sample, heapBytesPerEntry: objectBytesPerEntry } };
  if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  process.exit(0);
}

main().catch((err: unknown) => {
  say(`console watchlist bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
