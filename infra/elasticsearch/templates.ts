import type { Client } from '@elastic/elasticsearch';

/**
 * Index templates owned by the project, core Elasticsearch only (the local build has no analysis-common,
 * painless or ingest): Chinese text uses the standard analyzer (one token per CJK character, so phrases
 * match with match_phrase); partial and look-alike plate search use fields the indexer computes.
 */
const kw = { type: 'keyword' } as const;
const EVENT_MAPPINGS = {
  dynamic: false,
  properties: {
    eventId: kw, type: kw, checkpointId: kw, jurisdiction: kw, jurisdictionChain: kw, terminalId: kw,
    occurredAt: { type: 'date' }, occurredAtLocal: kw, indexedAt: { type: 'date' },
    plates: kw, platesFolded: kw, plateGrams: kw, personIds: kw, associations: kw,
    substances: kw, grams: { type: 'double' }, outcome: kw, suspicious: { type: 'boolean' }, positive: { type: 'boolean' },
    text: { type: 'text', analyzer: 'standard' }, location: { type: 'geo_point' },
    event: { type: 'object', enabled: false },
  },
} as const;
const HIT_MAPPINGS = {
  dynamic: false,
  properties: {
    hitId: kw, ruleId: kw, severity: kw, category: kw, status: kw, checkpointId: kw, jurisdictions: kw,
    occurredAt: { type: 'date' }, detectedAt: { type: 'date' }, version: { type: 'integer' },
    subjectKey: kw, evidenceEventIds: kw, summary: { type: 'text', analyzer: 'standard' },
    hit: { type: 'object', enabled: false },
  },
} as const;
const AUDIT_MAPPINGS = {
  dynamic: false,
  properties: { recordId: kw, chainId: kw, seq: { type: 'long' }, at: { type: 'date' }, actor: kw, role: kw, action: kw, target: kw, purpose: { type: 'text' }, hash: kw, prevHash: kw, record: { type: 'object', enabled: false } },
} as const;

export const INDEX_KINDS = { events: EVENT_MAPPINGS, hits: HIT_MAPPINGS, audit: AUDIT_MAPPINGS } as const;
export type IndexKind = keyof typeof INDEX_KINDS;

/** Monthly index by event time, behind an alias per kind: `${prefix}events-2026.11` → alias `${prefix}events`. */
export function indexFor(prefix: string, kind: IndexKind, time: string | number): string {
  const d = new Date(typeof time === 'number' ? time : Date.parse(time));
  const ok = Number.isNaN(d.getTime()) ? new Date() : d;
  return `${prefix}${kind}-${ok.getUTCFullYear()}.${String(ok.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function ensureIndexTemplates(es: Client, prefix: string): Promise<void> {
  for (const [kind, mappings] of Object.entries(INDEX_KINDS)) {
    await es.indices.putIndexTemplate({
      name: `${prefix}${kind}`,
      index_patterns: [`${prefix}${kind}-*`],
      priority: 100 + prefix.length,
      template: {
        settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
        mappings: mappings as never,
        aliases: { [`${prefix}${kind}`]: {} },
      },
    });
  }
}

/** Retention: drops monthly indices whose month ended more than `days` ago. */
export async function deleteIndicesOlderThan(es: Client, prefix: string, days: number, now = Date.now()): Promise<string[]> {
  const names = Object.keys(await es.indices.get({ index: `${prefix}*-*`, allow_no_indices: true, ignore_unavailable: true }));
  const old = names.filter((n) => {
    const m = /-(\d{4})\.(\d{2})$/.exec(n);
    if (!m || !n.startsWith(prefix)) return false;
    const monthEnd = Date.UTC(Number(m[1]), Number(m[2]), 1);
    return now - monthEnd > days * 86_400_000;
  });
  if (old.length) await es.indices.delete({ index: old.join(',') });
  return old;
}
