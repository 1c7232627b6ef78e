import type { Client } from '@elastic/elasticsearch';
import { z } from 'zod';
import { CheckpointId, OffsetDateTime, type Rule, type WatchlistEntry, safeParse } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { label, personSubject, vehicleSubject } from './evaluators/context';
import type { HitDraft } from './hit-builder';

/** The fields of an indexed event the hunt reads (the indexer's `events` documents). */
const PastSighting = z.object({ eventId: z.string().min(1).max(64), type: z.enum(['inspection', 'drug_test', 'seizure']), occurredAt: OffsetDateTime, checkpointId: CheckpointId });
export type PastSighting = z.infer<typeof PastSighting>;

const statusOf = (err: unknown) => (err as { meta?: { statusCode?: number } } | undefined)?.meta?.statusCode;

/**
 * Past events naming the entry's person (`personIds`) or plate (`plates`, canonical) since `sinceMs`, newest
 * first, from the `events` alias. A missing index is "nothing indexed yet", not an error.
 */
export async function findPastSightings(es: Client, index: string, entry: WatchlistEntry, opts: { sinceMs: number; limit: number }): Promise<PastSighting[]> {
  if (entry.kind === 'permit') return [];
  const field = entry.kind === 'person' ? 'personIds' : 'plates';
  try {
    const res = await es.search({
      index,
      size: opts.limit,
      ignore_unavailable: true,
      allow_no_indices: true,
      sort: [{ occurredAt: { order: 'desc', unmapped_type: 'date' } }],
      _source: ['eventId', 'type', 'occurredAt', 'checkpointId'],
      query: { bool: { filter: [{ term: { [field]: entry.key } }, { range: { occurredAt: { gte: new Date(opts.sinceMs).toISOString() } } }] } },
    });
    return res.hits.hits.flatMap((h) => {
      const parsed = safeParse(PastSighting, h._source);
      return parsed.success ? [parsed.data] : [];
    });
  } catch (err) {
    if (statusOf(err) === 404) return [];
    throw err;
  }
}

/** A retro-hunt hit: a newly listed person or vehicle was seen before, at this checkpoint and time. */
export function retroDraft(entry: WatchlistEntry, past: PastSighting, rule: Rule, registry: CheckpointRegistry): HitDraft {
  const cat = label(entry.category);
  const cp = registry.get(past.checkpointId)?.name ?? { zh: past.checkpointId, en: past.checkpointId };
  const subject = entry.kind === 'person' ? personSubject(entry.key) : vehicleSubject(entry.key);
  return {
    rule,
    subject,
    match: { entryId: entry.entryId, exact: true, kind: 'exact' },
    entry,
    severity: entry.severity,
    category: entry.category,
    action: entry.action,
    summary: {
      zh: `回溯比对:新增布控${cat.zh}${subject.display}曾于${past.occurredAt}在${cp.zh}出现`,
      en: `retro-hunt: newly listed ${cat.en} ${subject.display} was seen at ${cp.en} on ${past.occurredAt}`,
    },
    checkpointId: past.checkpointId,
    occurredAt: past.occurredAt,
    evidence: [{ eventId: past.eventId, type: past.type, checkpointId: past.checkpointId, occurredAt: past.occurredAt }],
  };
}
