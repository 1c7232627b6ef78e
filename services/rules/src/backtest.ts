import type { Event, Hit, Rule } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { applyDraft, draftHitId } from './hit-builder';
import { STATELESS } from './evaluate-event';
import { watchlistPerson } from './evaluators/watchlist-person';
import { watchlistVehicle } from './evaluators/watchlist-vehicle';
import { CORRELATION_KINDS, createCorrelator, type CorrelationOutput } from './correlation/correlator';
import { newPartitionState } from './correlation/partition-state';
import { createRecentHits } from './recent-hits';
import { MINUTE_MS } from './rule-params';
import { sightingsOf } from './sighting';
import type { WatchlistLookup } from './watchlist-port';

export interface BacktestContext {
  watchlist: WatchlistLookup;
  registry: CheckpointRegistry;
  /** Allowed lateness for 逢嫌必检 at the end of the range (default 10 min, as live). */
  latenessMinutes?: number;
  /** Stop collecting after this many distinct hits (default 10,000). */
  maxHits?: number;
}

export interface BacktestResult {
  /** The final version of every hit the rule would have raised, in order of first appearance. */
  hits: Hit[];
  eventsScanned: number;
  truncated: boolean;
}

/**
 * Runs one rule (saved or draft, enabled or not) over past events and reports what it would have hit,
 * emitting nothing. The same evaluators as the live stages; correlation rules run over the events'
 * sightings in one in-memory state. Events may come in any order (windows are by event time).
 */
export async function backtest(rule: Rule, events: AsyncIterable<Event> | Iterable<Event>, ctx: BacktestContext): Promise<BacktestResult> {
  const live = { ...rule, enabled: true };
  const max = ctx.maxHits ?? 10_000;
  const found = new Map<string, Hit>();
  const recent = createRecentHits(Number.MAX_SAFE_INTEGER);
  const stateless = live.kind === 'retro_hunt' ? [watchlistPerson, watchlistVehicle] : STATELESS[live.kind] ? [STATELESS[live.kind]!] : [];
  const correlates = CORRELATION_KINDS.includes(live.kind);
  const correlator = createCorrelator({ registry: ctx.registry, latenessMs: (ctx.latenessMinutes ?? 10) * MINUTE_MS, lateHorizonMs: Number.MAX_SAFE_INTEGER / 4 });
  const state = newPartitionState();
  state.recent = recent;
  const out: CorrelationOutput = { hits: [], entries: [] };
  const now = new Date();
  let eventsScanned = 0;
  let truncated = false;
  const collect = (hits: Hit[]) => {
    for (const h of hits) {
      if (!found.has(h.hitId) && found.size >= max) {
        truncated = true;
        continue;
      }
      found.set(h.hitId, h);
    }
  };

  for await (const e of events) {
    eventsScanned++;
    for (const evaluate of stateless)
      for (const d of evaluate(e, live, ctx)) {
        const hit = applyDraft(d, recent.get(draftHitId(d)), ctx.registry, now);
        if (!hit) continue;
        recent.set(hit);
        collect([hit]);
      }
    if (correlates) {
      for (const s of sightingsOf(e)) correlator.observe(state, s, [live], now, out);
      collect(out.hits.splice(0));
    }
  }
  if (correlates) {
    correlator.flush(state, [live], now, out);
    collect(out.hits.splice(0));
  }
  return { hits: [...found.values()], eventsScanned, truncated };
}
