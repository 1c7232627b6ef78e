/**
 * Mappings owned by the project, Elasticsearch core only (the local build has no analysis-common,
 * mapper-extras, painless or ingest): Chinese free text uses the `standard` analyzer, which emits one
 * token per CJK character, so phrases are found with `match_phrase`; partial and look-alike plate search
 * use fields the indexer computes (see plate-grams.ts). `dynamic: false` keeps unknown fields in
 * `_source` without growing the mapping. Whole documents are kept under `enabled: false` objects.
 */
const kw = { type: 'keyword' } as const;
const kwNoDocValues = { type: 'keyword', doc_values: false } as const;
const date = { type: 'date' } as const;
const stored = { type: 'object', enabled: false } as const;

export const EVENT_MAPPINGS = {
  dynamic: false,
  properties: {
    eventId: kw,
    type: kw,
    checkpointId: kw,
    terminalId: kw,
    jurisdiction: kw,
    /** The checkpoint's jurisdiction and its ancestors: scope = one term query. */
    jurisdictionChain: kw,
    occurredAt: date,
    /** Event time as the terminal sent it, with its offset (`occurredAt` is normalised by Elasticsearch). */
    occurredAtLocal: { type: 'keyword', index: false },
    indexedAt: date,
    plates: kw,
    platesFolded: kw,
    plateGrams: kwNoDocValues,
    personIds: kw,
    /** `id18a|id18b` for every pair of persons in the same vehicle (a < b). */
    associations: kw,
    substances: kw,
    /** Total net grams seized in the event; per substance in `seized`. */
    grams: { type: 'double' },
    seized: { type: 'nested', properties: { substance: kw, grams: { type: 'double' }, packages: { type: 'integer' } } },
    outcome: kw,
    suspicious: { type: 'boolean' },
    positive: { type: 'boolean' },
    vehicleKind: kw,
    direction: kw,
    text: { type: 'text', analyzer: 'standard' },
    location: { type: 'geo_point' },
    /** Presentation fields for result lists (summary, persons with roles and names). */
    view: stored,
    event: stored,
  },
} as const;

export const HIT_MAPPINGS = {
  dynamic: false,
  properties: {
    hitId: kw,
    ruleId: kw,
    ruleVersion: { type: 'integer' },
    severity: kw,
    category: kw,
    status: kw,
    assignee: kw,
    disposition: kw,
    checkpointId: kw,
    jurisdictions: kw,
    jurisdictionChain: kw,
    occurredAt: date,
    detectedAt: date,
    version: { type: 'integer' },
    subjectKind: kw,
    subjectKey: kw,
    matchExact: { type: 'boolean' },
    evidenceEventIds: kw,
    summary: { type: 'text', analyzer: 'standard' },
    hit: stored,
  },
} as const;

export const AUDIT_MAPPINGS = {
  dynamic: false,
  properties: {
    recordId: kw,
    chainId: kw,
    seq: { type: 'long' },
    at: date,
    actor: kw,
    role: kw,
    action: kw,
    target: kw,
    purpose: { type: 'text', analyzer: 'standard' },
    crossJurisdiction: { type: 'boolean' },
    hash: kw,
    prevHash: kw,
    details: stored,
    record: stored,
  },
} as const;

export const INDEX_KINDS = { events: EVENT_MAPPINGS, hits: HIT_MAPPINGS, audit: AUDIT_MAPPINGS } as const;
export type IndexKind = keyof typeof INDEX_KINDS;
