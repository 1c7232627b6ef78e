/**
 * Writes `schemas/generated/` (and, through generate-openapi.ts, the OpenAPI documents in `docs/openapi/`): one JSON Schema per wire document (draft 2020-12, the shape a producer must
 * send: defaults optional) and `asyncapi.json` (AsyncAPI 3.0) describing every Kafka topic with its message
 * schemas. Run `npm run schemas:generate` after changing a schema; `generate.test.ts` fails while the
 * committed files differ from a fresh generation.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { TOPICS, type TopicKey } from '../infra/topics';
import {
  AccessRecordSchema,
  AuditRecordSchema,
  CheckpointReferenceSchema,
  DeadLetterSchema,
  EventSchema,
  HitActionSchema,
  HitSchema,
  HitUpdateHeadersSchema,
  SightingPackSchema,
  SightingSchema,
  TypedRuleSchema,
  VerdictPackSchema,
  VerdictSchema,
  WatchlistEntrySchema,
  WatermarkTickSchema,
} from './src';

export const GENERATED_DIR = join(import.meta.dirname, 'generated');

/** Documents with their own JSON Schema file, and their title. */
const DOCUMENTS: ReadonlyArray<{ file: string; title: string; schema: z.ZodType }> = [
  { file: 'event', title: 'Event (inspection | drug_test | seizure)', schema: EventSchema },
  { file: 'watchlist-entry', title: 'Watchlist entry', schema: WatchlistEntrySchema },
  { file: 'hit', title: 'Hit', schema: HitSchema },
  { file: 'hit-action', title: 'Hit workflow action', schema: HitActionSchema },
  { file: 'verdict', title: 'Verdict of one judged event', schema: VerdictSchema },
  { file: 'verdict-pack', title: 'Verdict pack (the verdicts of one chunk of judged events)', schema: VerdictPackSchema },
  { file: 'rule', title: 'Rule definition', schema: TypedRuleSchema },
  { file: 'audit-record', title: 'Audit record (hash-chained)', schema: AuditRecordSchema },
  { file: 'dead-letter', title: 'Dead letter', schema: DeadLetterSchema },
  { file: 'sighting', title: 'Sighting (one subject in one event)', schema: SightingSchema },
  { file: 'sighting-pack', title: 'Sighting pack (the sightings of one chunk for one partition)', schema: SightingPackSchema },
  { file: 'checkpoint-reference', title: 'Checkpoints and corridors reference file', schema: CheckpointReferenceSchema },
];

/** The input side: what a producer or client must send (fields with defaults are optional). */
function jsonSchema(schema: z.ZodType, target: 'draft-2020-12' | 'draft-07'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target, unrepresentable: 'any' }) as Record<string, unknown>;
}

interface MessageDoc {
  name: string;
  title: string;
  summary: string;
  schema: z.ZodType;
  headers?: z.ZodType;
}

interface TopicDoc {
  title: string;
  description: string;
  key: string;
  cleanup: 'delete' | 'compact';
  retentionDays?: number;
  messages: MessageDoc[];
  producers: string[];
  consumers: string[];
}

const MESSAGES = {
  event: { name: 'event', title: 'Event', summary: 'An inspection, drug test or seizure as accepted by the gateway (normalised ids and plates).', schema: EventSchema, headers: z.object({ 'body-sha256': z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the submitted body, for duplicate detection') }) },
  sightingPack: { name: 'sightingPack', title: 'Sighting pack', summary: 'The sightings of one chunk of events that belong to this partition (key `~sightings`; the partition is the default partitioner’s for each sighting’s subject key). What the rules service writes.', schema: SightingPackSchema },
  sighting: { name: 'sighting', title: 'Sighting', summary: 'One vehicle or person seen in one event, keyed by subject (still read; packs are written).', schema: SightingSchema },
  watermarkTick: { name: 'watermarkTick', title: 'Watermark tick', summary: 'Event time carried to every partition (key `~watermark`).', schema: WatermarkTickSchema },
  hit: { name: 'hit', title: 'Hit', summary: 'The full hit document; `version` increments on each update.', schema: HitSchema },
  hitUpdate: { name: 'hitUpdate', title: 'Hit workflow update', summary: 'The full hit after a workflow action, with the workflow sequence it claims.', schema: HitSchema, headers: HitUpdateHeadersSchema },
  verdictPack: { name: 'verdictPack', title: 'Verdict pack', summary: 'The verdicts of one chunk of judged events (key `~verdicts`). What the rules service writes.', schema: VerdictPackSchema },
  verdict: { name: 'verdict', title: 'Verdict', summary: 'Every hit one event raised or updated, for the officer’s instant answer (key = eventId; still read, packs are written).', schema: VerdictSchema },
  watchlistEntry: { name: 'watchlistEntry', title: 'Watchlist entry', summary: 'The current state of an entry; a record with a null value (tombstone) deletes it.', schema: WatchlistEntrySchema },
  rule: { name: 'rule', title: 'Rule definition', summary: 'The current definition of a rule.', schema: TypedRuleSchema },
  auditRecord: { name: 'auditRecord', title: 'Audit record', summary: 'Who searched whom, who changed what; hash-chained per writing instance.', schema: AuditRecordSchema, headers: z.object({ 'chain-id': z.string().max(80), seq: z.string().max(20).regex(/^\d+$/) }) },
  accessRecord: { name: 'accessRecord', title: 'Access record', summary: 'An account (scrypt hash), a cross-jurisdiction grant or a token revocation; the latest record per key is the state.', schema: AccessRecordSchema },
  deadLetter: { name: 'deadLetter', title: 'Dead letter', summary: 'A record a consumer could not process, with the reason.', schema: DeadLetterSchema },
} satisfies Record<string, MessageDoc>;

/** Every topic of docs/ARCHITECTURE.md; typed by `TopicKey`, so a topic added to infra/topics.ts must be documented here. */
const TOPIC_DOCS: Record<TopicKey, TopicDoc> = {
  events: { title: 'Events', description: 'One message per accepted event; the system of record.', key: 'checkpointId', cleanup: 'delete', retentionDays: 30, messages: [MESSAGES.event], producers: ['gateway'], consumers: ['gateway', 'rules', 'indexer', 'console'] },
  sightings: { title: 'Sightings', description: 'Events repartitioned by subject for cross-checkpoint correlation (corridor, repeat positives, trace-back).', key: '`~sightings` (a pack; partition by each sighting’s subject key `plate:<canonical plate>` / `person:<id18>`), a subject key (one sighting), or `~watermark`', cleanup: 'delete', retentionDays: 30, messages: [MESSAGES.sightingPack, MESSAGES.sighting, MESSAGES.watermarkTick], producers: ['rules'], consumers: ['rules'] },
  hits: { title: 'Hits', description: 'Hit documents from the rules service (transactional); consumers read committed and upsert by hitId.', key: 'hitId', cleanup: 'delete', retentionDays: 90, messages: [MESSAGES.hit], producers: ['rules'], consumers: ['console', 'indexer'] },
  hitUpdates: { title: 'Hit updates', description: 'Workflow actions (acknowledge, assign, resolve, reopen, escalate) with the resulting hit.', key: 'hitId', cleanup: 'delete', retentionDays: 90, messages: [MESSAGES.hitUpdate], producers: ['console'], consumers: ['console', 'indexer'] },
  verdicts: { title: 'Verdicts', description: 'The verdict of every judged event, packed per chunk, for the gateway’s `?waitMs` answer.', key: '`~verdicts` (a pack), or eventId (one verdict)', cleanup: 'delete', retentionDays: 1, messages: [MESSAGES.verdictPack, MESSAGES.verdict], producers: ['rules'], consumers: ['gateway'] },
  watchlist: { title: 'Watchlist', description: 'Watchlist entries, compacted; a tombstone (null value) deletes an entry.', key: 'entryId', cleanup: 'compact', messages: [MESSAGES.watchlistEntry], producers: ['console'], consumers: ['rules', 'console'] },
  rules: { title: 'Rules', description: 'Rule definitions, compacted.', key: 'ruleId', cleanup: 'compact', messages: [MESSAGES.rule], producers: ['console', 'rules'], consumers: ['rules', 'console'] },
  audit: { title: 'Audit', description: 'Hash-chained audit records.', key: 'actor', cleanup: 'delete', retentionDays: 3650, messages: [MESSAGES.auditRecord], producers: ['console'], consumers: ['indexer'] },
  access: { title: 'Access', description: 'Accounts, cross-jurisdiction grants and token revocations (docs/SECURITY.md), compacted; every gateway and console instance reads it whole.', key: '`account:<username>`, `grant:<grantId>`, `revocation:token:<jti>`, `revocation:user:<username>`', cleanup: 'compact', messages: [MESSAGES.accessRecord], producers: ['console'], consumers: ['gateway', 'console'] },
  deadLetters: { title: 'Dead letters', description: 'Records a consumer could not process.', key: 'source topic', cleanup: 'delete', retentionDays: 30, messages: [MESSAGES.deadLetter], producers: ['gateway', 'rules', 'indexer', 'console'], consumers: [] },
};

const componentName = (name: string) => name[0]!.toUpperCase() + name.slice(1);

function asyncApi(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  // AsyncAPI's schema format is a superset of JSON Schema draft 07, hence that target here.
  const schemaOf = (schema: z.ZodType) => {
    const { $schema: _drop, ...rest } = jsonSchema(schema, 'draft-07');
    return rest;
  };
  // One component per distinct schema: a hit on hits.v1 and on hit-updates.v1 is the same document.
  const payloadNames = new Map<z.ZodType, string>();
  for (const m of Object.values(MESSAGES) as MessageDoc[]) {
    let payloadName = payloadNames.get(m.schema);
    if (!payloadName) {
      payloadName = `${componentName(m.name)}Payload`;
      payloadNames.set(m.schema, payloadName);
      schemas[payloadName] = schemaOf(m.schema);
    }
    messages[m.name] = {
      name: m.name,
      title: m.title,
      summary: m.summary,
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${payloadName}` },
      ...(m.headers ? { headers: schemaOf(m.headers) } : {}),
    };
  }
  for (const [key, t] of Object.entries(TOPIC_DOCS) as Array<[TopicKey, TopicDoc]>) {
    const address = TOPICS[key];
    channels[key] = {
      address,
      title: t.title,
      description: `${t.description} Key: ${t.key}. Cleanup: ${t.cleanup}${t.retentionDays ? `, retention ${t.retentionDays} d` : ''}. The real topic name is \`TOPIC_PREFIX\` + address.`,
      messages: Object.fromEntries(t.messages.map((m) => [m.name, { $ref: `#/components/messages/${m.name}` }])),
      bindings: {
        kafka: {
          topic: address,
          topicConfiguration: {
            'cleanup.policy': [t.cleanup],
            ...(t.retentionDays ? { 'retention.ms': t.retentionDays * 86_400_000 } : {}),
          },
          bindingVersion: '0.5.0',
        },
      },
    };
    const refs = t.messages.map((m) => ({ $ref: `#/channels/${key}/messages/${m.name}` }));
    for (const p of t.producers) operations[`${p}Sends${componentName(key)}`] = { action: 'send', channel: { $ref: `#/channels/${key}` }, summary: `${p} writes ${address}`, messages: refs };
    for (const c of t.consumers) operations[`${c}Receives${componentName(key)}`] = { action: 'receive', channel: { $ref: `#/channels/${key}` }, summary: `${c} reads ${address}`, messages: refs };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Checkpoint interdiction event streaming: Kafka topics',
      version: '1.0.0',
      description: 'Every message is a JSON document validated by the zod schemas in schemas/src, carrying `schemaVersion`. Generated by schemas/generate.ts; do not edit.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas, messages },
  };
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** File name → content of every generated file. Deterministic: no dates, stable key order. */
export function buildGeneratedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of DOCUMENTS) {
    const { $schema, ...rest } = jsonSchema(d.schema, 'draft-2020-12');
    files.set(`${d.file}.schema.json`, json({ $schema, $id: `${d.file}.schema.json`, title: d.title, ...rest }));
  }
  files.set('asyncapi.json', json(asyncApi()));
  return files;
}

/** Replaces the generated directory's content with a fresh generation. */
export function writeGeneratedFiles(dir = GENERATED_DIR): string[] {
  const files = buildGeneratedFiles();
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (!files.has(f)) rmSync(join(dir, f));
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return [...files.keys()];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = writeGeneratedFiles();
  process.stdout.write(`wrote ${written.length} files to ${GENERATED_DIR}\n`);
  // The OpenAPI documents come from the services' route tables, so that module imports the services; loaded
  // only here to keep the schemas package free of them.
  const { writeOpenApiFiles, OPENAPI_DIR } = await import('./generate-openapi');
  const openapi = await writeOpenApiFiles();
  process.stdout.write(`wrote ${openapi.length} files to ${OPENAPI_DIR}\n`);
  process.exit(0);
}
