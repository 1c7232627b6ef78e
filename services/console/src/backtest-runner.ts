import type { Client } from '@elastic/elasticsearch';
import { EventSchema, type Event, type Rule, safeParse } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { backtest } from '../../rules/src/backtest';
import type { WatchlistLookup } from '../../rules/src/watchlist-port';
import type { BacktestRunner } from './routes-rules';

/**
 * Past events of a time range from Elasticsearch (`events` alias, `search_after` on occurredAt + eventId,
 * so memory stays one page), as the rules' pure `backtest` consumes them.
 */
export async function* eventsInRange(es: Client, indexPrefix: string, range: { from: string; to: string }, opts: { pageSize?: number; max?: number } = {}): AsyncGenerator<Event> {
  const size = opts.pageSize ?? 1000;
  let after: Array<string | number> | undefined;
  let n = 0;
  for (;;) {
    let res;
    try {
      res = await es.search<{ event?: unknown }>({
        index: `${indexPrefix}events`,
        size,
        _source: ['event'],
        query: { range: { occurredAt: { gte: range.from, lt: range.to } } },
        sort: [{ occurredAt: 'asc' }, { eventId: 'asc' }],
        ...(after ? { search_after: after } : {}),
      });
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return;
      throw new AppError('search_unavailable', 'Past events could not be read from Elasticsearch', { cause: err, retryAfterSeconds: 5 });
    }
    for (const h of res.hits.hits) {
      const p = safeParse(EventSchema, h._source?.event);
      if (p.success) yield p.data;
      if (++n >= (opts.max ?? Infinity)) return;
    }
    if (res.hits.hits.length < size) return;
    after = res.hits.hits[res.hits.hits.length - 1]!.sort as Array<string | number>;
  }
}

/**
 * The backtest the rules API runs: the rules service's own evaluators over the watchlist as it is now (the console's
 * live index — no copy of 10 million entries per run; a change made during a run is seen from then on).
 */
export function createBacktestRunner(deps: { es: Client; indexPrefix: string; registry: CheckpointRegistry; watchlist: () => WatchlistLookup; maxEvents: number }): BacktestRunner {
  return async (rule: Rule, range) => {
    return backtest(rule, eventsInRange(deps.es, deps.indexPrefix, range, { max: deps.maxEvents }), { watchlist: deps.watchlist(), registry: deps.registry });
  };
}
