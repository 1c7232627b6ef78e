import { sampleHit } from '../services/console/src/sample-hit';
import { applyRulesRecord } from '../services/console/src/hit-merge';
import { createHeldHits } from '../services/console/src/held-hits';

/**
 * Heap the console's hit store holds per hit (what HIT_LOOKBACK_DAYS is sized by), hits parsed from their JSON
 * records as the store does:
 *
 *   node --expose-gc --import tsx bench/hit-memory.bench.ts [hits]
 *
 * The sample is a watchlist hit with one piece of evidence; a corridor hit with several, or a hit with a long
 * workflow history, holds more.
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const N = Number(process.argv[2] ?? 100_000);
const raws = Array.from({ length: N }, (_, i) => Buffer.from(JSON.stringify(sampleHit({ hitId: `hit-${i}-${Math.random().toString(36).slice(2)}`, subject: { kind: 'person', key: `1408821990${String(i).padStart(8, '0')}`, display: '140882********1231' } }))));
gc();
gc();
const before = process.memoryUsage().heapUsed;
const held = createHeldHits();
for (const r of raws) {
  const h = sampleHit(JSON.parse(r.toString('utf8')));
  held.put(h.hitId, applyRulesRecord(undefined, h).state, Date.now());
}
gc();
gc();
const bytes = process.memoryUsage().heapUsed - before;
if (held.size !== N) throw new Error('hits lost');
process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), hits: N, recordBytes: raws[0]!.length, heapBytesPerHit: Math.round(bytes / N) })}\n`);
