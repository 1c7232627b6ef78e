import type { PlateDifference, WatchlistEntry } from '../../../schemas/src';

export interface VehicleMatchView {
  entry: WatchlistEntry;
  exact: boolean;
  kind: PlateDifference['kind'];
  differences: { positions: number[]; description: { zh: string; en: string } };
  score: number;
}

/**
 * What the rules need from the in-memory watchlist (`./watchlist/compact-watchlist.ts` in the service;
 * `./simple-watchlist.ts` is the plain reference model): lookups valid at
 * event time. Declared here so evaluators and backtests depend on the behaviour, not the data structure.
 */
export interface WatchlistLookup {
  matchPerson(id18: string, at: Date): WatchlistEntry[];
  matchVehicle(plate: string, at: Date, opts: { fuzzy?: boolean; limit?: number }): VehicleMatchView[];
  matchPermits(q: { permitNo?: string; chemical?: string; carrierPlate?: string }, at: Date): WatchlistEntry[];
}

/** The writable side the reference loader keeps current from `watchlist.v1`. */
export interface WatchlistStore extends WatchlistLookup {
  upsert(entry: WatchlistEntry): void;
  remove(entryId: string): void;
  get(entryId: string): WatchlistEntry | undefined;
  size(): number;
}
