import type { Principal } from '../../../../lib/auth/tokens';
import { AppError } from '../../../../lib/errors';
import { bucketsOf, countOf, countsByKey, keyOf, metricOf, round2 } from './aggregation-reader';
import { scopeClauses, timeRange, TIME_ZONE } from './event-query';

export interface StatsQuery {
  from?: string | undefined;
  to?: string | undefined;
  jurisdiction?: string | undefined;
  bucket: 'day' | 'hour';
}

export interface StatsSummary {
  inspections: number;
  drugTests: number;
  positiveTests: number;
  positiveRate: number;
  seizures: { count: number; bySubstance: Array<{ substance: string; grams: number; count: number }> };
  hits: { bySeverity: { critical: number; high: number; medium: number; low: number }; byStatus: { new: number; acknowledged: number; assigned: number; resolved: number } };
  overTime: Array<{ bucket: string; inspections: number; drugTests: number; seizures: number; hits: number }>;
  byJurisdiction: Array<{ jurisdiction: string; inspections: number; drugTests: number; positiveTests: number; seizures: number }>;
}

const DAY = 86_400_000;
const FORMAT = { day: 'yyyy-MM-dd', hour: "yyyy-MM-dd'T'HH:mmXXX" } as const;

/** The time window: given, or the last 30 days (48 hours for hourly buckets); hourly buckets over at most 31 days. */
export function statsWindow(q: StatsQuery, now: number): { from: string; to: string } {
  const from = q.from ?? new Date(now - (q.bucket === 'hour' ? 2 : 30) * DAY).toISOString();
  const to = q.to ?? new Date(now).toISOString();
  const ms = (s: string) => Date.parse(s.length === 10 ? `${s}T00:00:00+08:00` : s);
  if (ms(to) < ms(from)) throw new AppError('validation_failed', 'to is before from', { errors: [{ path: '/query/to', message: 'before from' }] });
  if (q.bucket === 'hour' && ms(to) - ms(from) > 31 * DAY) throw new AppError('validation_failed', 'Hourly buckets cover at most 31 days', { errors: [{ path: '/query/bucket', message: 'use day for longer ranges' }] });
  return { from, to };
}

/** One events request and one hits request, both scoped and windowed, aggregations only. */
export function statsRequests(q: StatsQuery, p: Principal, now: number) {
  const w = statsWindow(q, now);
  const scope = scopeClauses(p, q.jurisdiction, undefined, false);
  const histogram = (field: string) => ({ date_histogram: { field, calendar_interval: q.bucket, time_zone: TIME_ZONE, format: FORMAT[q.bucket], min_doc_count: 0 } });
  const positive = { filter: { term: { positive: true } } };
  const events = {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [...scope, ...timeRange('occurredAt', w.from, w.to)] } },
    aggs: {
      byType: { terms: { field: 'type', size: 3 } },
      positive,
      seized: { nested: { path: 'seized' }, aggs: { bySubstance: { terms: { field: 'seized.substance', size: 50 }, aggs: { grams: { sum: { field: 'seized.grams' } }, events: { reverse_nested: {} } } } } },
      overTime: { ...histogram('occurredAt'), aggs: { byType: { terms: { field: 'type', size: 3 } } } },
      byJurisdiction: { terms: { field: 'jurisdiction', size: 200 }, aggs: { byType: { terms: { field: 'type', size: 3 } }, positive } },
    },
  };
  const hits = {
    size: 0,
    track_total_hits: false,
    query: { bool: { filter: [...scope, ...timeRange('occurredAt', w.from, w.to)] } },
    aggs: {
      bySeverity: { terms: { field: 'severity', size: 10 } },
      byStatus: { terms: { field: 'status', size: 10 } },
      overTime: histogram('occurredAt'),
    },
  };
  return { events, hits };
}

/** Shapes both aggregation results into the summary of CONSOLE-API.md. */
export function shapeStats(eventAggs: Record<string, unknown> | undefined, hitAggs: Record<string, unknown> | undefined): StatsSummary {
  const e = eventAggs ?? {};
  const h = hitAggs ?? {};
  const types = countsByKey(e.byType);
  const drugTests = types.drug_test ?? 0;
  const positiveTests = countOf(e.positive);
  const seizedBuckets = bucketsOf((e.seized as Record<string, unknown> | undefined)?.bySubstance);
  const severity = countsByKey(h.bySeverity);
  const status = countsByKey(h.byStatus);
  const over = new Map<string, StatsSummary['overTime'][number]>();
  const slot = (bucket: string) => {
    let s = over.get(bucket);
    if (!s) over.set(bucket, (s = { bucket, inspections: 0, drugTests: 0, seizures: 0, hits: 0 }));
    return s;
  };
  for (const b of bucketsOf(e.overTime)) {
    const t = countsByKey(b.byType);
    Object.assign(slot(keyOf(b)), { inspections: t.inspection ?? 0, drugTests: t.drug_test ?? 0, seizures: t.seizure ?? 0 });
  }
  for (const b of bucketsOf(h.overTime)) slot(keyOf(b)).hits = b.doc_count;
  return {
    inspections: types.inspection ?? 0,
    drugTests,
    positiveTests,
    positiveRate: drugTests ? Math.round((positiveTests / drugTests) * 10_000) / 10_000 : 0,
    seizures: {
      count: types.seizure ?? 0,
      bySubstance: seizedBuckets.map((b) => ({ substance: keyOf(b), grams: round2(metricOf(b.grams)), count: countOf(b.events) })),
    },
    hits: {
      bySeverity: { critical: severity.critical ?? 0, high: severity.high ?? 0, medium: severity.medium ?? 0, low: severity.low ?? 0 },
      byStatus: { new: status.new ?? 0, acknowledged: status.acknowledged ?? 0, assigned: status.assigned ?? 0, resolved: status.resolved ?? 0 },
    },
    overTime: [...over.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0)),
    byJurisdiction: bucketsOf(e.byJurisdiction).map((b) => {
      const t = countsByKey(b.byType);
      return { jurisdiction: keyOf(b), inspections: t.inspection ?? 0, drugTests: t.drug_test ?? 0, positiveTests: countOf(b.positive), seizures: t.seizure ?? 0 };
    }),
  };
}
