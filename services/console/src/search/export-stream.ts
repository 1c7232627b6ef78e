import type { Client, estypes } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { EventSource, ResultItem } from './result-view';

const PAGE = 1_000;
const KEEP_ALIVE = '2m';

/**
 * Every document matching `query`, page by page over a point in time (a consistent snapshot while the
 * indexer keeps writing) with `search_after`: one page in memory at a time, however large the result.
 * The point in time is closed when the consumer stops early (client gone) as well as at the end.
 */
export async function* scanEvents(deps: { es: Client; index: string; onCloseError?: (err: unknown) => void }, query: estypes.QueryDslQueryContainer, opts: { order: 'asc' | 'desc'; source: string[]; limit?: number }): AsyncGenerator<EventSource[]> {
  let pit: string;
  try {
    pit = (await deps.es.openPointInTime({ index: deps.index, keep_alive: KEEP_ALIVE, ignore_unavailable: true })).id;
  } catch (err) {
    if (err instanceof errors.ResponseError && err.statusCode === 404) return;
    throw err;
  }
  let after: estypes.SortResults | undefined;
  let left = opts.limit ?? Infinity;
  try {
    while (left > 0) {
      const size = Math.min(PAGE, left);
      const res = await deps.es.search<EventSource>({
        pit: { id: pit, keep_alive: KEEP_ALIVE },
        query,
        size,
        sort: [{ occurredAt: opts.order }, { eventId: opts.order }],
        _source: opts.source,
        track_total_hits: false,
        ...(after ? { search_after: after } : {}),
      });
      if (res.pit_id) pit = res.pit_id;
      const hits = res.hits.hits;
      if (hits.length) yield hits.map((h) => h._source!);
      left -= hits.length;
      if (hits.length < size) return;
      after = hits[hits.length - 1]!.sort;
    }
  } finally {
    await deps.es.closePointInTime({ id: pit }).catch((err: unknown) => deps.onCloseError?.(err));
  }
}

const CSV_COLUMNS = ['eventId', 'type', 'occurredAt', 'checkpointId', 'checkpointName', 'jurisdiction', 'plate', 'persons', 'summary'] as const;

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The header (with a BOM, so spreadsheet programs read the Chinese text as UTF-8). */
export const csvHeader = (): string => `\ufeff${CSV_COLUMNS.join(',')}\r\n`;

export function csvRow(it: ResultItem): string {
  const cells = [it.eventId, it.type, it.occurredAt, it.checkpointId, it.checkpointName.zh, it.jurisdiction, it.plate ?? '', it.persons.join(' '), it.summary.zh];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const ndjsonRow = (it: ResultItem): string => `${JSON.stringify(it)}\n`;
