import { PROVINCE_CONFUSIONS, foldLookalikes, plateDiff, type PlateDifference, type WatchlistEntry } from '../../../schemas/src';

export interface VehicleMatch {
  entry: WatchlistEntry;
  exact: boolean;
  kind: PlateDifference['kind'];
  differences: PlateDifference;
  score: number;
}

export interface WatchlistIndex {
  upsert(entry: WatchlistEntry): void;
  remove(entryId: string): void;
  get(entryId: string): WatchlistEntry | undefined;
  size(): number;
  matchPerson(id18: string, at: Date): WatchlistEntry[];
  matchVehicle(plate: string, at: Date, opts?: { fuzzy?: boolean; limit?: number }): VehicleMatch[];
  matchPermits(q: { permitNo?: string; carrierPlate?: string }, at: Date): WatchlistEntry[];
  entries(): Iterable<WatchlistEntry>;
}

const validAt = (e: WatchlistEntry, at: Date) => (!e.validFrom || Date.parse(e.validFrom) <= at.getTime()) && (!e.validUntil || Date.parse(e.validUntil) >= at.getTime());

/** Deletion neighbourhood: the folded plate with each one character removed (for ±1 length matching). */
function deletions(s: string): string[] {
  const chars = [...s];
  return chars.map((_, i) => [...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
}

function addTo(map: Map<string, Set<string>>, key: string, id: string) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}
function removeFrom(map: Map<string, Set<string>>, key: string, id: string) {
  const set = map.get(key);
  set?.delete(id);
  if (set?.size === 0) map.delete(key);
}

/**
 * The reference model of the watchlist: plain Maps of entry objects, easy to read, ~1 KB an entry. The
 * service holds `watchlist/compact-watchlist.ts` (same answers, checked by its property test, ~100 bytes an
 * entry); this one serves small ad-hoc indexes (the console's backtests) and as the test oracle.
 *
 * In-memory watchlist with exact and fuzzy (OCR look-alike, province misread, ±1 character) vehicle
 * lookup. Fuzzy candidates are bounded and ranked: exact, look-alike, province, length.
 */
export function createWatchlistIndex(): WatchlistIndex {
  const byId = new Map<string, WatchlistEntry>();
  const byKey = new Map<string, Set<string>>();
  const byFolded = new Map<string, Set<string>>();
  const byDeletion = new Map<string, Set<string>>();
  const byCarrier = new Map<string, Set<string>>();

  const keysOf = (e: WatchlistEntry) => {
    const folded = e.kind === 'vehicle' ? foldLookalikes(e.key) : undefined;
    return { folded, dels: folded ? deletions(folded) : [] };
  };

  const index: WatchlistIndex = {
    upsert(entry) {
      index.remove(entry.entryId);
      byId.set(entry.entryId, entry);
      addTo(byKey, `${entry.kind}:${entry.key}`, entry.entryId);
      const { folded, dels } = keysOf(entry);
      if (folded) {
        addTo(byFolded, folded, entry.entryId);
        for (const d of dels) addTo(byDeletion, d, entry.entryId);
      }
      if (entry.kind === 'permit' && entry.attributes.carrierPlate) addTo(byCarrier, entry.attributes.carrierPlate, entry.entryId);
    },
    remove(entryId) {
      const old = byId.get(entryId);
      if (!old) return;
      byId.delete(entryId);
      removeFrom(byKey, `${old.kind}:${old.key}`, entryId);
      const { folded, dels } = keysOf(old);
      if (folded) {
        removeFrom(byFolded, folded, entryId);
        for (const d of dels) removeFrom(byDeletion, d, entryId);
      }
      if (old.kind === 'permit' && old.attributes.carrierPlate) removeFrom(byCarrier, old.attributes.carrierPlate, entryId);
    },
    get: (id) => byId.get(id),
    size: () => byId.size,
    entries: () => byId.values(),
    matchPerson(id18, at) {
      return [...(byKey.get(`person:${id18}`) ?? [])].map((id) => byId.get(id)!).filter((e) => validAt(e, at));
    },
    matchVehicle(plate, at, opts = {}) {
      const limit = opts.limit ?? 5;
      const found = new Map<string, VehicleMatch>();
      const consider = (ids: Iterable<string> | undefined, score: number) => {
        for (const id of ids ?? []) {
          if (found.has(id)) continue;
          const entry = byId.get(id)!;
          if (entry.kind !== 'vehicle' || !validAt(entry, at)) continue;
          const differences = plateDiff(entry.key, plate);
          found.set(id, { entry, exact: differences.kind === 'exact', kind: differences.kind, differences, score: differences.kind === 'exact' ? 1 : score });
        }
      };
      consider(byKey.get(`vehicle:${plate}`), 1);
      if (opts.fuzzy !== false) {
        const folded = foldLookalikes(plate);
        consider(byFolded.get(folded), 0.9);
        const chars = [...folded];
        for (const alt of PROVINCE_CONFUSIONS[chars[0] ?? ''] ?? []) consider(byFolded.get(alt + chars.slice(1).join('')), 0.8);
        // One character extra in the observed plate, or one missing from it.
        for (const d of deletions(folded)) consider(byFolded.get(d), 0.6);
        consider(byDeletion.get(folded), 0.6);
      }
      return [...found.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    },
    matchPermits(q, at) {
      const ids = new Set<string>([...(q.permitNo ? (byKey.get(`permit:${q.permitNo.trim().toUpperCase()}`) ?? []) : []), ...(q.carrierPlate ? (byCarrier.get(q.carrierPlate) ?? []) : [])]);
      return [...ids].map((id) => byId.get(id)!).filter((e) => validAt(e, at));
    },
  };
  return index;
}
