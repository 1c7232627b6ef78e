import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { WatchlistEntrySchema, type WatchlistEntry } from '../../../schemas/src';
import { createLogger } from '../../../lib/logger';
import type { Principal } from '../../../lib/auth/tokens';
import type { AuditTrail } from './audit';
import type { CompactedView } from './compacted-view';
import { csvRecordToObject, parseCsvLine } from './csv-line';
import { createWatchlistImporter, type ImportJob } from './watchlist-import';

/**
 * Property-based tests of the watchlist import parser (NDJSON and CSV, streamed line by line): whatever
 * the file holds, the job ends `done`, every non-blank line is counted as accepted or rejected, every
 * valid line is accepted, only schema-valid entries reach the topic, and every problem names its line and
 * a JSON pointer. The producer here is an in-memory stand-in (a unit test; the Kafka path is covered by
 * test/console/admin.test.ts against the real broker).
 */
const RUNS = Number(process.env.FC_RUNS ?? 200);
/** Streams are async: a long run (`FC_RUNS`) needs more than vitest's default 5 s. */
const TIMEOUT = 10_000 + RUNS * 100;
let tried = 0;
afterAll(() => {
  process.stdout.write(`watchlist-import.property: ${tried} files tried\n`);
});

const VALID: unknown[] = readFileSync(join(import.meta.dirname, '../../../infra/demo/watchlist.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as unknown);
const national: Principal = { sub: 'admin-1', role: 'admin', jur: '000000', jti: 'j', iat: 0, exp: 9e9 };

function importer() {
  const sent: string[] = [];
  const entries = new Map<string, WatchlistEntry>();
  const producer = { send: async (r: { messages: Array<{ value: string }> }) => void sent.push(...r.messages.map((m) => m.value)) } as unknown as Producer;
  const view = { get: (k: string) => entries.get(k), applyLocal: (k: string, v: WatchlistEntry | undefined) => void (v ? entries.set(k, v) : entries.delete(k)) } as unknown as CompactedView<WatchlistEntry>;
  const audit = { record: async () => ({}) } as unknown as AuditTrail;
  const imp = createWatchlistImporter({ producer, topic: 'watchlist.v1', view, audit, batchSize: 7, limitBytes: 1 << 20, logger: createLogger({ level: 'silent', name: 'test' }) });
  return { imp, sent };
}

async function runImport(format: ImportJob['format'], content: string | Buffer, chunkSize: number): Promise<{ job: ImportJob; sent: string[] }> {
  tried++;
  const { imp, sent } = importer();
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
  const job = imp.start(national, format, Readable.from(chunks));
  for (let i = 0; i < 2000 && job.state === 'running'; i++) await new Promise((r) => setImmediate(r));
  return { job, sent };
}

function expectConsistent(job: ImportJob, sent: string[], lines: number): void {
  expect(job.state).toBe('done');
  expect(job.accepted + job.rejected).toBe(job.total);
  expect(sent.length).toBe(job.accepted);
  for (const v of sent) expect(WatchlistEntrySchema.safeParse(JSON.parse(v)).success).toBe(true);
  expect(job.errors.length).toBeLessThanOrEqual(100);
  for (const e of job.errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines);
    expect(e.path === '' || e.path.startsWith('/')).toBe(true);
  }
}

/** A line of NDJSON: a valid entry, a mutated one, or garbage. */
const ndjsonLine = fc.oneof(
  fc.constantFrom(...VALID).map((v) => ({ line: JSON.stringify(v), valid: true })),
  fc.tuple(fc.constantFrom(...VALID), fc.constantFrom('key', 'kind', 'category', 'severity', 'ownerJurisdiction', 'validFrom', 'entryId', 'attributes'), fc.jsonValue({ maxDepth: 2 })).map(([v, k, x]) => ({ line: JSON.stringify({ ...(v as object), [k]: x }), valid: undefined })),
  fc.tuple(fc.constantFrom(...VALID), fc.nat()).map(([v, cut]) => ({ line: JSON.stringify(v).slice(0, cut % 200), valid: undefined })),
  fc.string({ unit: 'binary', maxLength: 120 }).map((s) => ({ line: s.replace(/[\r\n\u2028\u2029]/g, ' '), valid: undefined })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ line: JSON.stringify(v) ?? 'null', valid: undefined })),
  fc.constantFrom('{"__proto__":{"admin":true}}', '[]', 'null', '"x"', '1e999', '{"entryId":"a","constructor":{"prototype":{"x":1}}}', '\uFEFF{}', '   ').map((line) => ({ line, valid: line.trim() ? false : undefined })),
);

const CSV_HEADER = ['entryId', 'kind', 'key', 'category', 'severity', 'action', 'ownerJurisdiction', 'reason', 'validFrom', 'validUntil'];
const csvCell = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const csvOf = (v: unknown) => CSV_HEADER.map((h) => csvCell(String((v as Record<string, unknown>)[h] ?? ''))).join(',');

const csvLine = fc.oneof(
  fc.constantFrom(...VALID.filter((v) => Object.keys((v as { attributes?: object }).attributes ?? {}).length === 0)).map((v) => ({ line: csvOf(v), valid: true })),
  fc.tuple(fc.constantFrom(...VALID), fc.nat(), fc.string({ unit: 'binary', maxLength: 4 })).map(([v, i, s]) => {
    const line = csvOf(v);
    const at = i % (line.length + 1);
    return { line: (line.slice(0, at) + s + line.slice(at)).replace(/[\r\n\u2028\u2029]/g, ' '), valid: undefined };
  }),
  fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('"', '""', '"a,b"', '"open', ',', '__proto__')), { maxLength: 14 }).map((cells) => ({ line: cells.join(',').replace(/[\r\n\u2028\u2029]/g, ' '), valid: undefined })),
);

describe('watchlist import parser', () => {
  it('accounts for every NDJSON line of any file, accepts the valid ones and sends only valid entries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ndjsonLine, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.integer({ min: 1, max: 4096 }), async (lines, eol, chunk) => {
        const { job, sent } = await runImport('ndjson', lines.map((l) => l.line).join(eol), chunk);
        expectConsistent(job, sent, lines.length);
        expect(job.total).toBe(lines.filter((l) => l.line.replace(/^\uFEFF/, '').trim()).length);
        expect(job.accepted).toBeGreaterThanOrEqual(lines.filter((l) => l.valid === true).length);
        expect(job.rejected).toBeGreaterThanOrEqual(lines.filter((l) => l.valid === false).length);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('accounts for every CSV row of any file, header included, and accepts the valid rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(csvLine, { maxLength: 40 }), fc.integer({ min: 1, max: 4096 }), async (rows, chunk) => {
        const { job, sent } = await runImport('csv', [CSV_HEADER.join(','), ...rows.map((r) => r.line)].join('\n'), chunk);
        expectConsistent(job, sent, rows.length + 1);
        expect(job.accepted).toBeGreaterThanOrEqual(rows.filter((r) => r.valid === true).length);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('ends any byte stream (invalid UTF-8, NULs, no newline at all) as a finished job', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom<ImportJob['format']>('ndjson', 'csv'), fc.integer({ min: 1, max: 512 }), async (bytes, format, chunk) => {
        const { job, sent } = await runImport(format, Buffer.from(bytes), chunk);
        expectConsistent(job, sent, Buffer.from(bytes).toString('utf8').split(/\r?\n|\r/).length);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('parses any CSV line it was given back from its own quoting, and never builds prototype keys', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '')), { minLength: 1, maxLength: 12 }), (cells) => {
        tried++;
        const parsed = parseCsvLine(cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(','));
        expect(parsed).toEqual({ ok: true, cells });
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'a.__proto__.b', 'constructor.prototype', 'attributes.maxQuantityKg', 'version', 'a.', '.a', '..')), { maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 8 }), (header, cells) => {
        tried++;
        const obj = csvRecordToObject(header, cells);
        expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(() => JSON.stringify(obj)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
