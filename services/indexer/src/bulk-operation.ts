import { AuditRecordSchema, HitSchema, parseEvent, safeParse } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { indexFor } from '../../../infra/elasticsearch/templates';
import { eventDocument } from './event-document';
import { hitDocument } from './hit-document';

/** One bulk action and its document. */
export interface BulkOperation {
  action: Record<string, Record<string, unknown>>;
  doc: object;
}

export type ParsedMessage = { ok: true; op: BulkOperation } | { ok: false; reason: string };

export interface SourceTopics {
  events: string;
  hits: string;
  hitUpdates: string;
  audit: string;
}

const issue = (e: { issues: Array<{ path: PropertyKey[]; message: string }> }) => e.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');

/**
 * Turns a Kafka message into a bulk operation with a deterministic `_id` and index, so a replay lands on the
 * first copy: events and audit records are immutable (`create`; a replay is a harmless 409), hits use
 * external versioning with the hit's `version`, so an older version arriving late never replaces a newer one.
 * Anything the schemas refuse can never be indexed: it is reported for the dead-letter topic.
 */
export function toBulkOperation(topic: string, raw: string, ctx: { topics: SourceTopics; indexPrefix: string; registry: CheckpointRegistry }): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (topic === ctx.topics.events) {
    const p = parseEvent(json);
    if (!p.success) return { ok: false, reason: `invalid event: ${issue(p.error)}` };
    const e = p.data;
    return { ok: true, op: { action: { create: { _index: indexFor(ctx.indexPrefix, 'events', e.occurredAt), _id: e.eventId } }, doc: eventDocument(e, ctx.registry) } };
  }
  if (topic === ctx.topics.hits || topic === ctx.topics.hitUpdates) {
    const p = safeParse(HitSchema, json);
    if (!p.success) return { ok: false, reason: `invalid hit: ${issue(p.error)}` };
    const h = p.data;
    return { ok: true, op: { action: { index: { _index: indexFor(ctx.indexPrefix, 'hits', h.occurredAt), _id: h.hitId, version: h.version, version_type: 'external' } }, doc: hitDocument(h) } };
  }
  if (topic === ctx.topics.audit) {
    const p = safeParse(AuditRecordSchema, json);
    if (!p.success) return { ok: false, reason: `invalid audit record: ${issue(p.error)}` };
    const a = p.data;
    return { ok: true, op: { action: { create: { _index: indexFor(ctx.indexPrefix, 'audit', a.at), _id: a.recordId } }, doc: { ...a, record: a } } };
  }
  return { ok: false, reason: `no mapping for topic ${topic}` };
}
