import { readFileSync } from 'node:fs';
import { INDEX_KINDS } from '../infra/elasticsearch/mappings';
import { createCheckpointRegistry } from '../lib/checkpoints';
import { createElasticsearch } from '../lib/elasticsearch';
import { EventSchema } from '../schemas/src';
import { createRandom, inspection } from '../scripts/simulator/generate';
import { eventDocument } from '../services/indexer/src/event-document';

/**
 * Elasticsearch indexes at about half its speed for a while after it starts (its JVM still compiling the hot paths):
 * five ceilings runs in a row right after a start measured 12,100 → 17,900 → 20,700 → 25,800 → 22,900 documents/s
 * of bulk (`bench/results/2026-12-05-warm-{1…5}-ceilings.json`), and the end-to-end runs made then were the worst of
 * the day. So a run first indexes rounds of event documents — the indexer's own (`eventDocument`) of simulated
 * inspections, into a scratch index with the events mapping, so the same analysis and mapping code gets warm — until
 * a round is no longer clearly faster than the best before it (three rounds at least, `maxSeconds` at most), deletes
 * it, and reports the rounds: a reader sees whether the engine was cold and that it was warmed.
 */
export interface WarmUp {
  /** Documents per second of each round, in order. */
  roundsDocsPerSec: number[];
  docsPerRound: number;
  seconds: number;
  /** Stopped because the rate levelled off (false: `maxSeconds` ran out first). */
  levelled: boolean;
}

export async function warmUpElasticsearch(esUrl: string, opts: { log: (m: string) => void; maxSeconds?: number; docsPerRound?: number; checkpointsFile?: string }): Promise<WarmUp> {
  const maxSeconds = opts.maxSeconds ?? 90;
  const perRound = opts.docsPerRound ?? 100_000;
  const data = JSON.parse(readFileSync(opts.checkpointsFile ?? 'infra/demo/checkpoints.json', 'utf8')) as Parameters<typeof createCheckpointRegistry>[0];
  const registry = createCheckpointRegistry(data);
  const r = createRandom(7);
  const now = new Date();
  const docs = Array.from({ length: perRound }, (_, i) => {
    const cp = data.checkpoints[i % data.checkpoints.length]!;
    return eventDocument(EventSchema.parse(inspection(r, cp, now)), registry, now);
  });
  const es = createElasticsearch(esUrl);
  const index = `bench-warm-up-${Date.now()}`;
  await es.indices.create({ index, settings: { number_of_replicas: 0, refresh_interval: '1s' }, mappings: INDEX_KINDS.events as never });
  const started = performance.now();
  const rounds: number[] = [];
  let levelled = false;
  try {
    while ((performance.now() - started) / 1000 < maxSeconds) {
      const t = performance.now();
      for (let i = 0; i < docs.length; i += 2000) {
        // Ids of their own each round: the same ids again would be updates, not the indexing being warmed.
        const operations = docs.slice(i, i + 2000).flatMap((d, k) => [{ index: { _index: index, _id: `${rounds.length}-${i + k}` } }, d]);
        const res = await es.bulk({ operations });
        if (res.errors) throw new Error('warm-up: bulk errors');
      }
      const rate = Math.round(perRound / ((performance.now() - t) / 1000));
      const best = Math.max(0, ...rounds);
      rounds.push(rate);
      opts.log(`warm-up: Elasticsearch bulk ${rate.toLocaleString('en-US')} docs/s (round ${rounds.length})`);
      if (rounds.length >= 3 && rate < best * 1.05) {
        levelled = true;
        break;
      }
    }
  } finally {
    await es.indices.delete({ index }).catch(() => undefined);
    await es.close();
  }
  return { roundsDocsPerSec: rounds, docsPerRound: perRound, seconds: Math.round((performance.now() - started) / 100) / 10, levelled };
}
