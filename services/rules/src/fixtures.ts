import { fileURLToPath } from 'node:url';
import { EventSchema, WatchlistEntrySchema, computeCheckDigit, type Event, type Rule, type WatchlistEntry } from '../../../schemas/src';
import { loadCheckpointRegistry } from '../../../lib/checkpoints';
import { drugTest, inspection, seizure } from '../../../test/support/sample-events';
import { DEFAULT_RULES } from './default-rules';
import { createCompactWatchlist } from './watchlist/compact-watchlist';
import type { WatchlistStore } from './watchlist-port';

// Shared by the unit tests of evaluators, correlation and backtest: real demo checkpoints, valid ids.

export const registry = loadCheckpointRegistry(fileURLToPath(new URL('../../../infra/demo/checkpoints.json', import.meta.url)));

/** A valid 18-digit resident id, distinct per `n` (Hejin region, born 1990). */
export function residentId(n: number, region = '140882'): string {
  const first17 = `${region}19900101${String(n % 1000).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

export function entry(overrides: Partial<Record<keyof WatchlistEntry, unknown>> & { key: string; kind: WatchlistEntry['kind'] }): WatchlistEntry {
  return WatchlistEntrySchema.parse({
    entryId: `WL-T-${Math.random().toString(36).slice(2, 10)}`,
    category: overrides.kind === 'vehicle' ? 'case_vehicle' : overrides.kind === 'permit' ? 'precursor_permit' : 'fugitive',
    severity: 'high',
    action: 'detain',
    ownerJurisdiction: '530600',
    reason: 'test entry',
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    attributes: {},
    ...overrides,
  });
}

export function watchlistOf(...entries: WatchlistEntry[]): WatchlistStore {
  const index = createCompactWatchlist();
  for (const e of entries) index.upsert(e);
  return index;
}

export const inspectionEvent = (o: Record<string, unknown> = {}): Event => EventSchema.parse(inspection(o));
export const drugTestEvent = (o: Record<string, unknown> = {}): Event => EventSchema.parse(drugTest(o));
export const seizureEvent = (o: Record<string, unknown> = {}): Event => EventSchema.parse(seizure(o));

export function defaultRule(kind: Rule['kind'], params: Rule['params'] = {}): Rule {
  const r = DEFAULT_RULES.find((x) => x.kind === kind)!;
  return { ...r, params: { ...r.params, ...params } };
}

/** ISO time `minutes` after 2026-11-22T10:00+08:00, with the offset terminals send. */
export function at(minutes: number): string {
  const d = new Date(Date.parse('2026-11-22T10:00:00+08:00') + minutes * 60_000);
  return d.toISOString().replace('Z', '+00:00');
}
