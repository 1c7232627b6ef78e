import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_PLATES, SAMPLE_RESIDENT_IDS, SUBSTANCE_IDS } from '../../../../schemas/src';
import type { Principal } from '../../../../lib/auth/tokens';
import { AppError } from '../../../../lib/errors';
import { buildEventQuery, plateClauses, type Clause } from './event-query';
import { decodeCursor, encodeCursor } from './page-cursor';
import { ExportQuery, SearchBody, StatsQuery, TimelineQuery, RouteQuery } from './search-request';

/**
 * Property-based tests of the search query parser: the search body and the export / timeline / route /
 * stats query strings (zod), the plate pattern language (`晋C*45`, look-alikes) and page cursors. Whatever
 * comes in, the outcome is a query kept inside the caller's jurisdiction or a 4xx AppError with a JSON
 * pointer, never another exception.
 */
const RUNS = Number(process.env.FC_RUNS ?? 200);
const TIMEOUT = 10_000 + RUNS * 50;
let tried = 0;
afterAll(() => {
  process.stdout.write(`search.property: ${tried} inputs tried\n`);
});

const who = (role: Principal['role'], jur: string): Principal => ({ sub: 'u', role, jur, jti: 'j', iat: 0, exp: 9e9 });
const PRINCIPALS = [who('investigator', '530600'), who('commander', '140800'), who('admin', '000000'), who('auditor', '140882')];

/** Runs `f`; an exception must be a 4xx AppError whose field errors are JSON pointers. */
function typed<T>(f: () => T): T | AppError {
  tried++;
  try {
    return f();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(e.status).toBeLessThan(500);
    for (const fe of e.errors ?? []) expect(fe.path === '' || fe.path.startsWith('/')).toBe(true);
    return e;
  }
}

const plateChars = fc.constantFrom(...'晋云川贵蒙京普鲁ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789*%＊?. -_学警挂港澳领使'.split(''));
const plateLike = fc.oneof(
  fc.array(plateChars, { maxLength: 12 }).map((a) => a.join('')),
  fc.constantFrom(...Object.values(SAMPLE_PLATES)),
  fc.tuple(fc.constantFrom(...Object.values(SAMPLE_PLATES)), fc.nat(), fc.constantFrom('*', '**', '%', 'O', 'I', '')).map(([p, i, s]) => p.slice(0, i % 9) + s + p.slice((i % 9) + 1)),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const dateLike = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', '2026-13-01', '2026-11-22T25:00', '2026-11-22T14:00:00+99:99', '0000-00-00', '2026-11-22T14:00:00.1234567891Z', ''),
  fc.string({ maxLength: 40 }),
);
const hostile = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(NaN, Infinity, -1, 0, 1e9, '', ' ', null, [], {}));

/** A search body mixing plausible and hostile values for every filter. */
const searchBody = fc.record(
  {
    query: fc.oneof(fc.string({ maxLength: 220 }), fc.constantFrom('冰毒 晋C', '   ', 'a b c d e f g h i j k l m', '"*?\\'), hostile),
    types: fc.oneof(fc.subarray(['inspection', 'drug_test', 'seizure']), hostile),
    checkpointIds: fc.oneof(fc.array(fc.string({ maxLength: 45 }), { maxLength: 110 }), hostile),
    jurisdiction: fc.oneof(fc.constantFrom('530600', '530621', '140000', '140882', '000000', '999999', '53060'), hostile),
    from: fc.oneof(dateLike, hostile),
    to: fc.oneof(dateLike, hostile),
    plate: fc.oneof(plateLike, hostile),
    plateFuzzy: fc.oneof(fc.boolean(), hostile),
    idNumber: fc.oneof(fc.constantFrom(...Object.values(SAMPLE_RESIDENT_IDS), '140882900705241', '14088219900705241X', '123'), fc.string({ maxLength: 22 }), hostile),
    substance: fc.oneof(fc.constantFrom(...SUBSTANCE_IDS), hostile),
    outcome: fc.oneof(fc.constantFrom('released', 'held', 'positive', 'bogus'), hostile),
    suspicious: fc.oneof(fc.boolean(), hostile),
    sort: fc.oneof(fc.constantFrom('occurredAt:desc', 'occurredAt:asc', 'occurredAt'), hostile),
    purpose: fc.oneof(fc.string({ maxLength: 510 }), hostile),
    size: fc.oneof(fc.integer({ min: -5, max: 300 }), hostile),
    after: fc.oneof(fc.string({ maxLength: 60 }), fc.base64String({ maxLength: 80 }), hostile),
    aggregations: fc.oneof(fc.boolean(), hostile),
  },
  { requiredKeys: [] },
);

/** Every clause of the query, flattened (bool.should included). */
function clauses(q: { bool: { filter: Clause[]; must: Clause[] } }): Clause[] {
  const out: Clause[] = [];
  const walk = (c: Clause) => {
    out.push(c);
    for (const s of (c.bool?.should as Clause[] | undefined) ?? []) walk(s);
  };
  [...q.bool.filter, ...q.bool.must].forEach(walk);
  return out;
}

describe('search query parser', () => {
  it('turns any search body into a query inside the caller’s jurisdiction, or a 4xx with field pointers', () => {
    fc.assert(
      fc.property(searchBody, fc.constantFrom(...PRINCIPALS), (body, p) => {
        tried++;
        const parsed = SearchBody.safeParse(body);
        if (!parsed.success) return;
        const q = typed(() => buildEventQuery(parsed.data, p));
        if (q instanceof AppError) return;
        expect(() => JSON.stringify(q)).not.toThrow();
        if (p.jur !== '000000') expect(clauses(q)).toContainEqual({ term: { jurisdictionChain: p.jur } });
        // Free text: at most ten phrases, each one word of what was typed.
        expect(q.bool.must.length).toBeLessThanOrEqual(10);
        for (const m of q.bool.must) expect(m.match_phrase?.text).toMatch(/^\S+$/);
        if (parsed.data.after !== undefined) typed(() => decodeCursor(parsed.data.after!, parsed.data.sort));
      }),
      { numRuns: RUNS * 5 },
    );
  }, TIMEOUT);

  it('parses any query string of the export, timelines, routes and statistics without throwing', () => {
    const qs = fc.dictionary(fc.constantFrom('types', 'checkpointIds', 'plateFuzzy', 'suspicious', 'format', 'limit', 'token', 'from', 'to', 'days', 'bucket', 'jurisdiction', 'plate', 'idNumber', 'purpose', 'sort', 'query', 'grantId', 'x'), fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('true', '0', '1e400', '-1', 'csv', 'ndjson', 'inspection,,drug_test', ',', 'day', 'hour')), { maxKeys: 10 });
    fc.assert(
      fc.property(qs, fc.constantFrom(...PRINCIPALS), (q, p) => {
        for (const schema of [ExportQuery, TimelineQuery, RouteQuery, StatsQuery]) {
          tried++;
          const r = schema.safeParse(q);
          if (r.success && schema === ExportQuery) typed(() => buildEventQuery(r.data as ExportQuery, p));
        }
      }),
      { numRuns: RUNS * 2 },
    );
  }, TIMEOUT);

  it('reads any plate pattern as term lookups or a 400 on /plate, exact when it is a whole plate', () => {
    fc.assert(
      fc.property(plateLike, fc.boolean(), (plate, fuzzy) => {
        const r = typed(() => plateClauses(plate, fuzzy));
        if (r instanceof AppError) {
          expect(r.code).toBe('validation_failed');
          expect(r.errors?.[0]?.path).toBe('/plate');
          return;
        }
        expect(r.length).toBeGreaterThan(0);
        for (const c of r) {
          const values = [c.term?.plates, c.term?.plateGrams, ...((c.terms?.platesFolded as string[] | undefined) ?? []), ...((c.terms?.plateGrams as string[] | undefined) ?? []), c.wildcard?.plates].filter((v) => v !== undefined);
          expect(values.length).toBeGreaterThan(0);
          for (const v of values) expect(typeof (typeof v === 'object' ? (v as { value: unknown }).value : v)).toBe('string');
        }
      }),
      { numRuns: RUNS * 5 },
    );
    for (const plate of Object.values(SAMPLE_PLATES)) expect(plateClauses(plate, false)).toEqual([{ term: { plates: plate } }]);
  }, TIMEOUT);

  it('gives back the sort values of any cursor it made, and refuses every other string with a 400', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 80 }), fc.constantFrom('occurredAt:desc', 'occurredAt:asc'), (n, s, sort) => {
        tried++;
        const c = encodeCursor(sort, [n, s]);
        expect(c).toBeDefined();
        expect(decodeCursor(c!, sort)).toEqual([JSON.parse(JSON.stringify(n)) as number, s]);
        expect(typed(() => decodeCursor(c!, sort === 'occurredAt:desc' ? 'occurredAt:asc' : 'occurredAt:desc'))).toBeInstanceOf(AppError);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.base64String({ maxLength: 200 }), fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'))), (s) => {
        const r = typed(() => decodeCursor(s, 'occurredAt:desc'));
        if (!(r instanceof AppError)) expect(r).toHaveLength(2);
      }),
      { numRuns: RUNS * 2 },
    );
  }, TIMEOUT);
});
