import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { EventSchema, InspectionSchema } from './events';
import { EVENT_FAST_PATH_KEYS, inspectionFastPath, parseEvent } from './event-fast';
import { SAMPLE_LEGACY_ID, SAMPLE_PLATES, SAMPLE_RESIDENT_IDS } from './fixtures';
import { PRECURSOR_IDS } from './substances';

/**
 * The fast path is only allowed to be faster: for any input it returns nothing (and zod decides) or exactly what
 * `EventSchema` returns, keys in the same order. Inputs: valid inspections with and without every optional part,
 * then the same with one to three fields (of the event, its vehicle, a person, the cargo or the findings) replaced
 * by values at and across every limit the schema sets, of wrong types, or removed, and keys added.
 */
const RUNS = Number(process.env.FC_RUNS ?? 200) * 10;

const ids = [...Object.values(SAMPLE_RESIDENT_IDS), SAMPLE_LEGACY_ID.id15, SAMPLE_RESIDENT_IDS.hejinX.toLowerCase(), ` ${SAMPLE_RESIDENT_IDS.hejin} `];
const plates = [...Object.values(SAMPLE_PLATES), '晋c·12345', '晋 M7K391', 'ＡＢ', '晋M7K39', 'x'.repeat(33)];
const dateTimes = ['2026-01-01T00:00:00+08:00', '2027-12-31T23:59:59.5Z', '2026-02-29T00:00:00+08:00', '2028-02-29T10:00:00-05:30', '2026-01-01T00:00:00', '2026-13-01T00:00:00Z', `2026-01-01T00:00:00.${'1'.repeat(20)}+08:00`, ''];
const texts = (max: number) => ['', 'x'.repeat(max), 'x'.repeat(max + 1), '涉毒'.repeat(Math.floor(max / 2)), '涉毒'.repeat(Math.ceil((max + 1) / 2))];
const oddities = [undefined, null, true, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, [], {}, ['x'], 'x', '1'];

const personArb = fc.record({ idNumber: fc.constantFrom(...ids), name: fc.constantFrom('马军', '', 'x'.repeat(50)) }, { requiredKeys: ['idNumber'] });
const base = fc
  .record(
    {
      schemaVersion: fc.constant(1),
      eventId: fc.constantFrom('026eb234-d765-470d-9b3a-ab4fb4b6a0a8', 'ev-00001', 'x'.repeat(64)),
      occurredAt: fc.constantFrom('2026-12-05T19:57:47.329+08:00', '2026-01-01T00:00:00Z'),
      checkpointId: fc.constantFrom('CP-140300-G5-01', 'CP-530621-S301A-12'),
      terminalId: fc.constantFrom('T-140300-3', 't'),
      officerIds: fc.constantFrom(['O-1403-0040'], ['a', 'b.c:d_e-f']),
      type: fc.constant('inspection'),
      vehicle: fc.record({ plate: fc.constantFrom(...plates.slice(0, 9)), plateColor: fc.constantFrom('blue', 'yellow_green'), kind: fc.constantFrom('car', 'hazmat'), direction: fc.constantFrom('inbound', 'outbound') }, { requiredKeys: ['plate', 'kind', 'direction'] }),
      driver: personArb,
      passengers: fc.array(personArb, { maxLength: 3 }),
      cargo: fc.record({ description: fc.constantFrom('', '蔬菜'), precursors: fc.array(fc.record({ chemical: fc.constantFrom(...PRECURSOR_IDS), quantityKg: fc.constantFrom(0.5, 1_000_000), permitNo: fc.constantFrom('P-1', '') }, { requiredKeys: ['chemical', 'quantityKg'] }), { maxLength: 2 }) }, { requiredKeys: [] }),
      findings: fc.record({ suspicious: fc.boolean(), indicators: fc.constantFrom([], ['nervous', 'x'.repeat(40)]), note: fc.constantFrom('', '车内有异味') }, { requiredKeys: ['suspicious'] }),
      outcome: fc.constantFrom('released', 'held', 'referred'),
    },
    { requiredKeys: ['eventId', 'occurredAt', 'checkpointId', 'terminalId', 'officerIds', 'type', 'vehicle', 'driver', 'outcome'] },
  )
  .map((e) => e as Record<string, unknown>);

/** Per field (`part.field` inside an object of the event), values at and across the schema's limits. */
const LIMITS: Record<string, unknown[]> = {
  schemaVersion: [1, 2, '1'],
  eventId: ['a'.repeat(7), 'a'.repeat(8), 'x'.repeat(64), 'x'.repeat(65), 'ev 00001', 'ev/00001', 'évènement'],
  occurredAt: dateTimes,
  checkpointId: ['CP-140300-G5-01', 'CP-140300-g5-01', 'CP-14030-G5-01', 'CP-140300-ABCDEFGHI-01', 'CP-140300-G5-1'],
  terminalId: texts(40),
  officerIds: [[], ['a'], Array(10).fill('a'), Array(11).fill('a'), [''], ['x'.repeat(65)], ['a b'], [1]],
  type: ['inspection', 'drug_test', 'seizure', 'Inspection'],
  outcome: ['released', 'held', 'referred', 'arrested'],
  'vehicle.plate': plates,
  'vehicle.plateColor': ['blue', 'yellow_green', 'red'],
  'vehicle.kind': ['car', 'motorcycle', 'tank'],
  'vehicle.direction': ['inbound', 'outbound', 'sideways'],
  'driver.idNumber': [...ids, '140882199007052411', 'x'.repeat(41), ''],
  'driver.name': texts(50),
  passengers: [[], [{ idNumber: SAMPLE_RESIDENT_IDS.hejin }], Array(80).fill({ idNumber: SAMPLE_RESIDENT_IDS.hejin }), Array(81).fill({ idNumber: SAMPLE_RESIDENT_IDS.hejin }), [{ idNumber: '1' }], [{ idNumber: SAMPLE_RESIDENT_IDS.hejin, role: 'x' }]],
  cargo: [{}, { description: 'x'.repeat(501) }, { precursors: [{ chemical: 'coffee', quantityKg: 1 }] }, { precursors: [{ chemical: PRECURSOR_IDS[0], quantityKg: 0 }] }, { precursors: [{ chemical: PRECURSOR_IDS[0], quantityKg: 1_000_001 }] }, { precursors: [{ chemical: PRECURSOR_IDS[0], quantityKg: 1, permitNo: 'x'.repeat(41) }] }, { precursors: Array(21).fill({ chemical: PRECURSOR_IDS[0], quantityKg: 1 }) }, { other: 1 }],
  'findings.suspicious': [true, false, 'true', 1],
  'findings.indicators': [[], Array(20).fill('x'), Array(21).fill('x'), ['x'.repeat(41)], [1]],
  'findings.note': texts(2000),
};
const FIELDS = Object.keys(LIMITS);

/** Sets (or, for `undefined`, removes) `path` in a copy of `e`. */
function withValue(e: Record<string, unknown>, path: string, v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...e };
  const [a, b] = path.split('.') as [string, string | undefined];
  if (b === undefined) {
    if (v === undefined) delete out[a];
    else out[a] = v;
    return out;
  }
  const inner = typeof out[a] === 'object' && out[a] !== null && !Array.isArray(out[a]) ? { ...(out[a] as Record<string, unknown>) } : {};
  if (v === undefined) delete inner[b];
  else inner[b] = v;
  out[a] = inner;
  return out;
}

const valueFor = (field: string): fc.Arbitrary<unknown> => fc.oneof(fc.constantFrom(...(LIMITS[field] ?? [])), fc.constantFrom(...oddities), fc.anything());
const mutated = base.chain((e) =>
  fc.array(fc.constantFrom(...FIELDS, 'extra-key', 'vehicle.extra-key'), { minLength: 1, maxLength: 3 }).chain((fields) =>
    fc.tuple(...fields.map((f) => (f.endsWith('extra-key') ? fc.constant(1) : valueFor(f)))).map((values) => fields.reduce((acc, f, i) => withValue(acc, f, values[i]), e)),
  ),
);

const hasUnknownKey = (e: Record<string, unknown>): boolean => {
  const unknownIn = (o: unknown, keys: readonly string[]) => typeof o === 'object' && o !== null && !Array.isArray(o) && Object.keys(o).some((k) => !keys.includes(k));
  const people = [e.driver, ...(Array.isArray(e.passengers) ? e.passengers : [])];
  const cargo = e.cargo as { precursors?: unknown } | undefined;
  return (
    unknownIn(e, EVENT_FAST_PATH_KEYS.inspection) ||
    unknownIn(e.vehicle, EVENT_FAST_PATH_KEYS.vehicle) ||
    people.some((p) => unknownIn(p, EVENT_FAST_PATH_KEYS.person)) ||
    unknownIn(e.cargo, EVENT_FAST_PATH_KEYS.cargo) ||
    (Array.isArray(cargo?.precursors) && cargo.precursors.some((p) => unknownIn(p, EVENT_FAST_PATH_KEYS.precursor))) ||
    unknownIn(e.findings, EVENT_FAST_PATH_KEYS.findings)
  );
};

/** The fast path's answer is none, or the schema's own, keys in the same order. */
function agrees(input: unknown): void {
  const fast = inspectionFastPath(input);
  if (fast === undefined) return;
  const slow = EventSchema.safeParse(input);
  expect(slow.success, `fast path accepted what the schema rejects: ${JSON.stringify(input)}`).toBe(true);
  expect(fast).toStrictEqual(slow.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
}

describe('inspection fast path', () => {
  it('accepts every valid generated inspection, with the schema’s result', () => {
    fc.assert(
      fc.property(base, (e) => {
        expect(EventSchema.safeParse(e).success).toBe(true);
        expect(inspectionFastPath(e)).toBeDefined();
        agrees(e);
      }),
      { numRuns: RUNS / 4 },
    );
  }, 30_000);

  it('never accepts what the schema rejects, never answers otherwise (mutated inspections)', () => {
    let valid = 0;
    const missed: unknown[] = [];
    fc.assert(
      fc.property(mutated, (e) => {
        agrees(e);
        if (!EventSchema.safeParse(e).success || e.type !== 'inspection') return;
        valid++;
        // Zod drops a field it does not know; the fast path leaves such events to it. Everything else it takes.
        if (!inspectionFastPath(e) && !hasUnknownKey(e)) missed.push(e);
      }),
      { numRuns: RUNS },
    );
    expect(valid).toBeGreaterThan(RUNS / 40);
    expect(missed.slice(0, 3)).toEqual([]);
  }, 30_000);

  it('agrees with the schema on every limit value of every field', () => {
    const e = { eventId: 'ev-00001', occurredAt: '2026-12-05T19:57:47.329+08:00', checkpointId: 'CP-140300-G5-01', terminalId: 'T-1', officerIds: ['O-1'], type: 'inspection', vehicle: { plate: SAMPLE_PLATES.shanxiYuncheng, plateColor: 'blue', kind: 'car', direction: 'inbound' }, driver: { idNumber: SAMPLE_RESIDENT_IDS.hejin, name: '马军' }, passengers: [{ idNumber: SAMPLE_LEGACY_ID.id15 }], cargo: { description: '蔬菜', precursors: [{ chemical: PRECURSOR_IDS[0], quantityKg: 5, permitNo: 'P-1' }] }, findings: { suspicious: true, indicators: ['nervous'], note: '' }, outcome: 'held' };
    expect(inspectionFastPath(e)).toBeDefined();
    let answered = 0;
    for (const field of FIELDS)
      for (const v of [...(LIMITS[field] ?? []), ...oddities]) {
        const input = withValue(e, field, v);
        agrees(input);
        if (inspectionFastPath(input)) answered++;
      }
    expect(answered).toBeGreaterThan(60);
  });

  it('leaves drug tests and seizures to the schema, and gives the schema’s errors for an invalid event', () => {
    const drugTest = { eventId: 'ev-00002', occurredAt: '2026-12-05T19:57:47+08:00', checkpointId: 'CP-140300-G5-01', terminalId: 'T-1', officerIds: ['O-1'], type: 'drug_test', subject: { idNumber: SAMPLE_RESIDENT_IDS.hejin }, specimen: 'urine', kit: { model: 'm', lot: 'l' }, results: [{ substance: 'heroin', outcome: 'negative' }] };
    expect(inspectionFastPath(drugTest)).toBeUndefined();
    expect(parseEvent(drugTest)).toStrictEqual(EventSchema.safeParse(drugTest));
    const r = parseEvent({ eventId: 'ev-00001', occurredAt: 'yesterday', checkpointId: 'CP-140300-G5-01', terminalId: 'T-1', officerIds: ['O-1'], type: 'inspection', vehicle: { plate: SAMPLE_PLATES.shanxiYuncheng, kind: 'car', direction: 'inbound' }, driver: { idNumber: SAMPLE_RESIDENT_IDS.hejin }, outcome: 'held' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('/'))).toEqual(['occurredAt']);
  });

  it('knows exactly the fields the schema has (a field added to the schema must be added here)', () => {
    const unwrap = (s: unknown): z.ZodObject => {
      let t = s as { _zod: { def: { innerType?: unknown; element?: unknown; type: string } } };
      for (;;) {
        if (t._zod.def.innerType) t = t._zod.def.innerType as typeof t;
        else if (t._zod.def.type === 'array') t = t._zod.def.element as typeof t;
        else break;
      }
      return t as unknown as z.ZodObject;
    };
    const shape = InspectionSchema.shape;
    expect(Object.keys(shape)).toEqual([...EVENT_FAST_PATH_KEYS.inspection]);
    expect(Object.keys(unwrap(shape.vehicle).shape)).toEqual([...EVENT_FAST_PATH_KEYS.vehicle]);
    expect(Object.keys(unwrap(shape.driver).shape)).toEqual([...EVENT_FAST_PATH_KEYS.person]);
    expect(Object.keys(unwrap(shape.passengers).shape)).toEqual([...EVENT_FAST_PATH_KEYS.person]);
    expect(Object.keys(unwrap(shape.cargo).shape)).toEqual([...EVENT_FAST_PATH_KEYS.cargo]);
    expect(Object.keys(unwrap(unwrap(shape.cargo).shape.precursors).shape)).toEqual([...EVENT_FAST_PATH_KEYS.precursor]);
    expect(Object.keys(unwrap(shape.findings).shape)).toEqual([...EVENT_FAST_PATH_KEYS.findings]);
  });
});
