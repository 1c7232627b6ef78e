import type { Kafka } from 'kafkajs';
import { parseWatchlistEntry, type WatchlistEntry } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { createCompactWatchlist, type CompactWatchlist, type RecordView } from '../../rules/src/watchlist/compact-watchlist';
import type { WatchlistLookup } from '../../rules/src/watchlist-port';
import { applyAnswer, applyRangeAnswers, type PrepareWorkers } from '../../rules/src/watchlist/prepare-workers';
import { createCompactedView, parseJsonWith, type CompactedView, type ViewBulkRead, type ViewStore } from './compacted-view';

export interface WatchlistFilter {
  /** Keep an entry owned in this jurisdiction? (the caller's scope) */
  inScope(ownerJurisdiction: string): boolean;
  kind?: WatchlistEntry['kind'];
  category?: WatchlistEntry['category'];
  /** Lower-case text to find in the entry id, key, reason or display names. */
  needle?: string;
}

export interface WatchlistView extends CompactedView<WatchlistEntry> {
  /** The index itself, for lookups as the rules service makes them (ad-hoc backtests): live, not a copy. */
  lookup: WatchlistLookup;
  /** Throws 503 not_ready while the topic is still being read at start (answers would miss entries). */
  assertRead(): void;
  /** `lookup`, once the topic is read (else 503 not_ready). */
  readyLookup(): WatchlistLookup;
  /** The first `limit` matching entries by entry id, and how many match in all. */
  list(filter: WatchlistFilter, limit: number): Promise<{ items: WatchlistEntry[]; total: number }>;
}

/**
 * The console's copy of `watchlist.v1`, in the rules service's compact index (`compact-watchlist.ts`): ~150 bytes
 * an entry instead of ~610 as JS objects, so a 10-million-entry list fits (1.5 GB, where objects would need 6 GB
 * and pass V8's default 4 GB heap). A listing reads each record's fields without decoding it and decodes only
 * the entries it returns.
 */
export function createWatchlistView(deps: {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /**
   * Worker threads for a big read at start, as the rules service reads it (`WATCHLIST_LOAD_THREADS`, `…_FROM`,
   * `WATCHLIST_DIRECT_READ`: the workers fetch the records from the partition leaders themselves, default true).
   */
  loadThreads?: { threads: number; fromRecords: number; direct?: boolean; directUnitOffsets?: number; create?: (threads: number) => PrepareWorkers };
}): WatchlistView {
  const index = createCompactWatchlist();
  const store: ViewStore<WatchlistEntry> = {
    get: (k) => index.get(k),
    set: (_k, v) => index.upsert(v),
    delete: (k) => index.remove(k),
    values: () => index.entries()[Symbol.iterator]() as IterableIterator<WatchlistEntry>,
    size: () => index.size(),
  };
  const log = deps.logger.child({ component: 'watchlist-view' });
  const bulk: ViewBulkRead | undefined = deps.loadThreads && {
    ...deps.loadThreads,
    applyPrepared: (key, buf, at) => applyAnswer(index, key, buf, at, () => log.warn({ key }, 'invalid record skipped')),
    applyRange: deps.loadThreads.direct === false ? undefined : (buf, onInvalid) => applyRangeAnswers(index, buf, onInvalid),
  };
  const view = createCompactedView<WatchlistEntry>({ kafka: deps.kafka, topic: deps.topic, parse: parseJsonWith({ safeParse: parseWatchlistEntry }), logger: deps.logger, name: 'watchlist', store, bulk });
  const assertRead = () => {
    if (!view.isCaughtUp()) throw new AppError('not_ready', `The watchlist is still being read at start (${index.size().toLocaleString('en-US')} entries so far); retry shortly`, { retryAfterSeconds: 5 });
  };
  return {
    ...view,
    lookup: index,
    assertRead,
    readyLookup: () => {
      assertRead();
      return index;
    },
    list: (filter, limit) => listEntries(index, filter, limit),
  };
}

/** Slots scanned between two turns of the event loop: the live feed goes on while a listing reads 10 M entries. */
const SLICE = 50_000;

/** `list` over any compact index (exported for its test). */
export async function listEntries(index: CompactWatchlist, f: WatchlistFilter, limit: number): Promise<{ items: WatchlistEntry[]; total: number }> {
  let total = 0;
  // The `limit` smallest entry ids matched so far, sorted; entries are decoded only for these, at the end.
  const top: string[] = [];
  // Shared text (an import's reasons, provenance) is lower-cased and searched once per listing, not once per entry.
  const textMatch = new Map<number, boolean>();
  const n = f.needle;
  // The record's other fields are searched as their JSON, where `"` and `\` (and control characters) are escaped.
  const jsonNeedle = n === undefined ? '' : JSON.stringify(n).slice(1, -1);
  const sharedHas = (id: number, text: () => string, needle: string): boolean => {
    let m = textMatch.get(id);
    if (m === undefined) {
      m = id !== 0 && text().toLowerCase().includes(needle);
      if (textMatch.size > 100_000) textMatch.clear();
      textMatch.set(id, m);
    }
    return m;
  };
  const matches = (r: RecordView): boolean => {
    if ((f.kind && r.kind() !== f.kind) || (f.category && r.category() !== f.category) || !f.inScope(r.ownerJurisdiction())) return false;
    if (!n || r.entryId().toLowerCase().includes(n) || r.key().toLowerCase().includes(n)) return true;
    const [reason, rest] = r.textIds();
    if (sharedHas(reason, () => r.reason(), n)) return true;
    // The display names are in the record's JSON of other fields: decode only an entry whose JSON holds the text at all.
    if (!sharedHas(-rest, () => r.restJson(), jsonNeedle)) return false;
    const d = r.decode().display;
    return !!d && (d.zh.toLowerCase().includes(n) || d.en.toLowerCase().includes(n));
  };
  const visit = (r: RecordView) => {
    if (!matches(r)) return;
    total++;
    const id = r.entryId();
    if (top.length >= limit && id >= top[top.length - 1]!) return;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (top[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    // An entry removed and put again while the listing yielded can be met twice (slots are reused).
    if (top[lo] === id) return;
    top.splice(lo, 0, id);
    if (top.length > limit) top.pop();
  };
  for (let from = 0; ; ) {
    const next = index.forEachRecord(visit, from, from + SLICE);
    if (next < from + SLICE) break; // reached the last slot in use
    from = next;
    const compactions = index.stats().compactions;
    await new Promise<void>((r) => setImmediate(r));
    // A compaction meanwhile renumbered the pool's text: what was found by id no longer holds.
    if (index.stats().compactions !== compactions) textMatch.clear();
  }
  // An entry removed while the listing yielded is left out.
  const items = top.map((id) => index.get(id)).filter((e): e is WatchlistEntry => e !== undefined);
  return { items, total };
}
