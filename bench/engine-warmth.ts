import { readFileSync } from 'node:fs';
import { createElasticsearch } from '../lib/elasticsearch';

/**
 * How long the engines have been up and how much Elasticsearch has indexed since it started: the first benchmark run
 * after Elasticsearch starts is its slowest (its JVM still compiling the hot paths: a ceilings run right after a start
 * measured 12,100 bulk docs/s, 22,900–25,800 four runs later; the end-to-end runs made then indexed their batch phase
 * 12–16 s late and had the worst alert tails of the day). Warming it up in the run was tried and did not help: 30 s of
 * bulk rounds, plain or of the indexer's own documents, levelled off at the warm rate and the run that followed was
 * still slow (`bench-s23-1`, `bench-s23-2`); the run after one whole run was not (`bench-s23-3`). So the run says what it knows, and the report flags a cold engine.
 */
export interface EngineWarmth {
  /** Seconds each engine process has been running (from /proc; absent where that cannot be read). */
  upSeconds: Record<string, number>;
  /** Documents Elasticsearch indexed since its node started (`_nodes/stats`), before this run. */
  elasticsearchDocsIndexedSinceStart?: number;
  /** Fewer than `COLD_DOCS` documents indexed since the start: figures of this run are not comparable with warm runs. */
  elasticsearchCold: boolean;
}

/**
 * Counted when a run starts. The runs right after a start began at ~0 (and had indexed ~0.5 M documents of warm-up and
 * ceilings by their end-to-end phases: still slow); the run after one whole run began at ~0.85 M and was not.
 */
export const COLD_DOCS = 500_000;

function processUpSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    // Clock ticks are 100 a second on Linux (USER_HZ), whatever the kernel's own HZ.
    return Math.round(uptime - startTicks / 100);
  } catch {
    return undefined;
  }
}

export async function engineWarmth(esUrl: string, engines: Array<{ name: string; pid: number }>): Promise<EngineWarmth> {
  const upSeconds: Record<string, number> = {};
  for (const e of engines) {
    const s = processUpSeconds(e.pid);
    if (s !== undefined) upSeconds[e.name] = s;
  }
  let docs: number | undefined;
  const es = createElasticsearch(esUrl);
  try {
    const stats = await es.nodes.stats({ metric: 'indices', index_metric: 'indexing' });
    docs = Object.values(stats.nodes).reduce((n, node) => n + (node.indices?.indexing?.index_total ?? 0), 0);
  } catch {
    docs = undefined;
  } finally {
    await es.close();
  }
  return { upSeconds, elasticsearchDocsIndexedSinceStart: docs, elasticsearchCold: docs !== undefined && docs < COLD_DOCS };
}
