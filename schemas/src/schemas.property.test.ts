import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as S from './index';
import { AUDIT_GENESIS_HASH } from './audit';
import { validationErrors } from './validation-errors';

/**
 * Property-based tests of every zod schema exported by schemas/src: valid fixtures are accepted; any
 * mutation of one (or any value at all) never makes `safeParse` throw, only return a ZodError that renders
 * as JSON-pointer field errors; what a schema accepts survives a JSON round trip unchanged.
 * `FC_RUNS` scales the runs per property (200 in `npm test`; `npm run fuzz` uses more).
 */
const RUNS = Number(process.env.FC_RUNS ?? 200);
const TIMEOUT = 10_000 + RUNS * 50;
let tried = 0;
afterAll(() => {
  process.stdout.write(`schemas.property: ${tried} inputs tried\n`);
});

const at = '2026-11-22T14:03:11.250+08:00';
const hit = {
  schemaVersion: 1,
  hitId: 'hit-0001',
  ruleId: 'watchlist-person',
  ruleVersion: 1,
  severity: 'critical',
  category: 'fugitive',
  action: 'detain',
  occurredAt: at,
  detectedAt: '2026-11-22T06:03:12.000Z',
  checkpointId: 'CP-140882-G5-01',
  jurisdictions: ['140882', '140800', '140000'],
  subject: { kind: 'person', key: '140882199007052410', display: '140882********2410' },
  match: { entryId: 'WL-P-0001', exact: true, kind: 'exact' },
  evidence: [{ eventId: 'ev-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: at }],
  summary: { zh: '在逃人员比中', en: 'fugitive on watchlist' },
  status: 'new',
  history: [{ at: '2026-11-22T06:03:12.000Z', by: 'rules', action: 'raised', version: 1 }],
  version: 1,
};
const base = { eventId: '7f9c1c3e-5d1a-4c59-9b0e-2f4f7d3a8b11', occurredAt: at, checkpointId: 'CP-140882-G5-01', terminalId: 'T-0042', officerIds: ['O-1408-017'] };
const inspection = {
  ...base,
  type: 'inspection',
  vehicle: { plate: S.SAMPLE_PLATES.shanxiYuncheng, plateColor: 'blue', kind: 'car', direction: 'inbound' },
  driver: { idNumber: S.SAMPLE_RESIDENT_IDS.hejin, name: '张伟' },
  passengers: [{ idNumber: S.SAMPLE_RESIDENT_IDS.hejinX }],
  findings: { suspicious: true, indicators: ['nervous'], note: '例行检查' },
  outcome: 'released',
};
const drugTest = {
  ...base,
  type: 'drug_test',
  subject: { idNumber: S.SAMPLE_RESIDENT_IDS.ludian },
  reason: 'suspicious_inspection',
  specimen: 'saliva',
  kit: { model: 'DT-6', lot: 'L2026-11' },
  results: [{ substance: 'methamphetamine', outcome: 'positive', cutoffNgMl: 50 }],
};
const seizure = {
  ...base,
  type: 'seizure',
  items: [{ substance: 'methamphetamine', form: 'crystal', netWeightGrams: 1250.5, packages: 3, concealment: 'hidden_compartment' }],
  cashCny: 12000,
  vehicles: [{ plate: S.SAMPLE_PLATES.yunnanZhaotong }],
  persons: [{ idNumber: S.SAMPLE_RESIDENT_IDS.zhaotong, role: 'driver', detained: true }],
};
const watchlist = readFileSync(join(import.meta.dirname, '../../infra/demo/watchlist.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .slice(0, 6)
  .map((l) => JSON.parse(l) as unknown);
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../../infra/demo/checkpoints.json'), 'utf8')) as { checkpoints: unknown[]; corridors: unknown[] };
const changed = { by: 'admin-1', at };
const account = { kind: 'account', username: 'off.hejin', passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA', role: 'officer', jurisdiction: '140882', checkpointId: 'CP-140882-G5-01', changed };
const grant = { kind: 'grant', grantId: 'G-2026-0417-a1', grantee: 'inv-007', jurisdiction: '530600', caseNumber: '2026-0417', validUntil: '2026-12-31T00:00:00+08:00', granted: changed };
const revokeToken = { kind: 'revocation', scope: 'token', jti: 'j-1', sub: 'off.hejin', exp: 1_795_000_000, revoked: changed };
const revokeUser = { kind: 'revocation', scope: 'user', sub: 'off.hejin', notBeforeMs: 1_795_000_000_000, revoked: changed };
const rule = { ruleId: 'corridor-transit', kind: 'corridor_transit', enabled: true, severity: 'medium', coolDownMinutes: 360, description: { zh: '通道', en: 'corridor' }, params: { minCheckpoints: 3, windowMinutes: 360 } };
const audit = {
  recordId: 'console-1.20261122T060000.a1b2c3:0',
  chainId: 'console-1.20261122T060000.a1b2c3',
  seq: 0,
  at: '2026-11-22T06:00:01.000Z',
  actor: 'inv-007',
  role: 'investigator',
  action: 'search',
  target: 'person:140882199007052410',
  purpose: '案件 2026-0417 侦查',
  prevHash: AUDIT_GENESIS_HASH,
  hash: 'a'.repeat(64),
};

/** Valid samples of every exported schema; a schema added to schemas/src without one fails the first test. */
const FIXTURES: Record<string, unknown[]> = {
  AccessRecordSchema: [account, grant, revokeToken, revokeUser],
  AccountRecordSchema: [account],
  AuditRecordSchema: [audit],
  Bilingual: [{ zh: '河津', en: 'Hejin' }],
  CheckpointId: ['CP-140882-G5-01'],
  CheckpointReferenceSchema: [reference],
  CheckpointSchema: reference.checkpoints.slice(0, 4),
  CorridorId: ['G85-yunnan-sichuan'],
  CorridorSchema: reference.corridors.slice(0, 2),
  DeadLetterSchema: [{ sourceTopic: 'events.v1', partition: 3, offset: '18446744073709551615', reason: '/vehicle/plate: bad', payload: '{"eventId":"x"}', at, service: 'rules' }],
  DrugTestSchema: [drugTest],
  EventSchema: [inspection, drugTest, seizure],
  EventType: ['inspection', 'drug_test', 'seizure'],
  Grams: [0.01, 1250.5, 1e9],
  GrantRecordSchema: [grant],
  HitActionSchema: [
    { action: 'acknowledge', expectedVersion: 1 },
    { action: 'assign', expectedVersion: 2, assignee: 'cmd-1', note: '派员核查' },
    { action: 'resolve', expectedVersion: 3, disposition: S.DISPOSITIONS[0] },
    { action: 'reopen', expectedVersion: 4 },
  ],
  HitEvidence: hit.evidence,
  HitHistoryEntry: hit.history,
  HitSchema: [hit],
  HitUpdateHeadersSchema: [{ kind: 'action', 'workflow-seq': '12', instance: 'console-1' }],
  InspectionSchema: [inspection],
  JurisdictionCode: ['140882', '530600', '140000'],
  OffsetDateTime: [at, '2026-11-22T06:03:12Z'],
  PersonRef: [inspection.driver],
  Plate: Object.values(S.SAMPLE_PLATES),
  PrecursorCargo: [{ chemical: S.PRECURSOR_IDS[0], quantityKg: 20, permitNo: 'P-2026-001' }],
  PrecursorId: [...S.PRECURSOR_IDS],
  ResidentId: [...Object.values(S.SAMPLE_RESIDENT_IDS), ...Object.values(S.SAMPLE_PERMIT_IDS), S.SAMPLE_LEGACY_ID.id15],
  RevocationRecordSchema: [revokeToken, revokeUser],
  RuleParamValue: [3, 'x', true, ['driver']],
  RuleSchema: [rule],
  SeizureSchema: [seizure],
  Sha256Hex: ['a'.repeat(64)],
  SightingSchema: [{ eventId: 'evt-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: at, subjectKind: 'vehicle', key: 'plate:晋C12345', role: 'vehicle' }],
  SightingPackSchema: [{ sightings: [{ eventId: 'evt-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: at, subjectKind: 'vehicle', key: 'plate:晋C12345', role: 'vehicle' }, { eventId: 'evt-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: at, subjectKind: 'person', key: 'person:140882199007051231', role: 'driver' }] }],
  SubstanceId: [...S.SUBSTANCE_IDS],
  TypedRuleSchema: [rule],
  VehicleKind: [...S.VEHICLE_KINDS],
  VerdictSchema: [{ eventId: base.eventId, judgedAt: at, hitIds: ['hit-0001'], hits: [hit] }],
  VerdictPackSchema: [{ verdicts: [{ eventId: base.eventId, judgedAt: at, hitIds: ['hit-0001'], hits: [hit] }, { eventId: 'evt-2', judgedAt: at, hits: [] }] }],
  WatchlistEntryId: ['WL-P-0001'],
  WatchlistEntrySchema: watchlist,
  WatchlistProvenance: [{ source: 'import', by: 'admin-1', at }],
  WatermarkTickSchema: [{ watermark: at }],
  id: ['O-1408-017'],
  uuidLike: [base.eventId],
};

const SCHEMAS: Array<[string, z.ZodType]> = Object.entries(S as Record<string, unknown>).flatMap(([n, v]) => (v instanceof z.ZodType ? [[n, v] as [string, z.ZodType]] : []));

type Json = unknown;
type Path = Array<string | number>;

/** Every path into a JSON value (the value itself is `[]`). */
function paths(v: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

/** Some text for a value that is not a string (BigInts and null-prototype objects do not stringify). */
function asText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return typeof v;
  }
}

type Mutation = { op: 'set'; value: unknown } | { op: 'delete' } | { op: 'add'; key: string; value: unknown } | { op: 'string'; edit: (s: string) => string };

function applyAt(v: Json, path: Path, m: Mutation): Json {
  if (path.length === 0) {
    if (m.op === 'set') return m.value;
    if (m.op === 'delete') return undefined;
    if (m.op === 'string') return m.edit(typeof v === 'string' ? v : asText(v));
    if (v && typeof v === 'object' && !Array.isArray(v)) return { ...v, [m.key]: m.value };
    if (Array.isArray(v)) return [...v, m.value];
    return m.value;
  }
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    const next = applyAt(copy[head as number], rest, m);
    if (next === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const obj = { ...(v as Record<string, unknown>) };
  const next = applyAt(obj[head as string], rest, m);
  if (next === undefined) delete obj[head as string];
  else obj[head as string] = next;
  return obj;
}

/** Hostile values: every JSON type, huge and tiny numbers, long and odd strings, prototype keys, deep nesting. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER + 2, 1e308, 5e-324, '', ' ', '\u0000', '\uD800', 'x'.repeat(100_000), '2026-02-30T25:61:61+08:00', '9999-12-31T23:59:59Z'),
  fc.constantFrom({ __proto__: { polluted: true } } as unknown, JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}') as unknown),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.integer().map((n) => n / 100),
);

const stringEdit: fc.Arbitrary<(s: string) => string> = fc.oneof(
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([i, c]) => (s: string) => s.slice(0, i % (s.length + 1)) + c + s.slice((i % (s.length + 1)) + 1)),
  fc.nat().map((i) => (s: string) => s.slice(0, i % (s.length + 1)) + s.slice((i % (s.length + 1)) + 1)),
  fc.constant((s: string) => s.toLowerCase()),
  fc.constant((s: string) => s.repeat(50)),
  fc.constant((s: string) => ` ${s}\n`),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  hostile.map((value) => ({ op: 'set' as const, value })),
  fc.constant({ op: 'delete' as const }),
  fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'schemaVersion', 'type')), hostile).map(([key, value]) => ({ op: 'add' as const, key, value })),
  stringEdit.map((edit) => ({ op: 'string' as const, edit })),
);

/** Parses and checks the result is a typed outcome: success, or a ZodError with JSON-pointer field errors. */
function parseTyped(schema: z.ZodType, input: unknown): z.ZodSafeParseResult<unknown> {
  tried++;
  const r = S.safeParse(schema, input);
  if (!r.success) {
    expect(r.error).toBeInstanceOf(z.ZodError);
    const errors = validationErrors(r.error);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(typeof e.path).toBe('string');
      expect(e.path === '' || e.path.startsWith('/')).toBe(true);
      expect(typeof e.message).toBe('string');
    }
  }
  return r;
}

/** What a schema accepted must come back the same through JSON and a second parse (producers re-send it). */
function expectRoundTrip(schema: z.ZodType, parsed: unknown): void {
  // JSON itself turns -0 into 0: compare with what JSON carries, not with the in-memory value.
  const wire = JSON.parse(JSON.stringify(parsed)) as unknown;
  const again = schema.safeParse(wire);
  expect(again.success, again.success ? '' : JSON.stringify(validationErrors(again.error))).toBe(true);
  if (again.success) expect(again.data).toEqual(wire);
}

describe('every zod schema in schemas/src', () => {
  it('has valid fixtures here', () => {
    expect(SCHEMAS.map(([n]) => n).filter((n) => !FIXTURES[n]?.length)).toEqual([]);
  });

  describe.each(SCHEMAS)('%s', (name, schema) => {
    const fixtures = FIXTURES[name] ?? [];

    it('accepts its valid fixtures, and what it returns round-trips through JSON unchanged', () => {
      for (const f of fixtures) {
        const r = parseTyped(schema, f);
        expect(r.success, r.success ? '' : `${name}: ${JSON.stringify(validationErrors(r.error))}`).toBe(true);
        if (r.success) expectRoundTrip(schema, r.data);
      }
    }, TIMEOUT);

    it('never throws on any mutation of a valid fixture: a typed error or a value that round-trips', () => {
      const target = fc.constantFrom(...fixtures).chain((f) => fc.tuple(fc.constant(f), fc.constantFrom(...paths(f)), fc.array(mutation, { minLength: 1, maxLength: 3 })));
      fc.assert(
        fc.property(target, ([fixture, path, ms]) => {
          const input = ms.reduce<unknown>((v, m) => applyAt(v, path.slice(0, paths(v).some((p) => p.join('/') === path.join('/')) ? path.length : 0), m), fixture);
          const r = parseTyped(schema, input);
          if (r.success) expectRoundTrip(schema, r.data);
        }),
        { numRuns: RUNS },
      );
    }, TIMEOUT);

    it('never throws on arbitrary values', () => {
      fc.assert(
        fc.property(hostile, (v) => {
          parseTyped(schema, v);
        }),
        { numRuns: Math.ceil(RUNS / 2) },
      );
    }, TIMEOUT);
  });
});
