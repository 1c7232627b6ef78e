import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import type { Producer } from 'kafkajs';
import { parseWatchlistEntry, type WatchlistEntry } from '../../../schemas/src';
import type { FieldError } from '../../../lib/errors';
import { fieldErrors } from '../../../lib/http-service';
import type { Logger } from '../../../lib/logger';
import type { Principal } from '../../../lib/auth/tokens';
import { inScope } from './access-policy';
import type { AuditTrail } from './audit';
import type { CompactedView } from './compacted-view';
import { csvRecordToObject, parseCsvLine } from './csv-line';

export interface ImportJob {
  jobId: string;
  state: 'running' | 'done' | 'failed';
  format: 'ndjson' | 'csv';
  by: string;
  startedAt: string;
  finishedAt?: string;
  total: number;
  accepted: number;
  rejected: number;
  /** The first 100 problems, by line (1-based, the CSV header is line 1). */
  errors: Array<{ line: number; path: string; message: string }>;
  failure?: string;
}

export interface WatchlistImporter {
  /** Starts reading `body` (already flowing when this returns) and returns the job to poll. */
  start(p: Principal, format: ImportJob['format'], body: Readable): ImportJob;
  get(jobId: string): ImportJob | undefined;
}

const MAX_ERRORS = 100;
const MAX_JOBS = 100;

/**
 * Streams an NDJSON or CSV watchlist file line by line — never the whole file in memory — validating each
 * line with the watchlist schema and the importer's scope, and produces accepted entries to the compacted
 * topic in batches (acks=all; the next lines are read only after a batch is in, so a slow broker slows
 * the upload instead of filling memory).
 */
export function createWatchlistImporter(deps: { producer: Producer; topic: string; view: CompactedView<WatchlistEntry>; audit: AuditTrail; batchSize: number; limitBytes: number; logger: Logger }): WatchlistImporter {
  const log = deps.logger.child({ component: 'watchlist-import' });
  const jobs = new Map<string, ImportJob>();

  const run = async (job: ImportJob, p: Principal, body: Readable): Promise<void> => {
    let bytes = 0;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          if (bytes > deps.limitBytes) cb(new Error(`the file is larger than ${deps.limitBytes} bytes`));
          else cb(null, chunk);
        },
      }),
    );
    body.on('error', (err) => counted.destroy(err));
    const lines = createInterface({ input: counted, crlfDelay: Infinity });
    let batch: WatchlistEntry[] = [];
    let header: string[] | undefined;
    let lineNo = 0;
    const reject = (line: number, errors: FieldError[]) => {
      job.rejected++;
      for (const e of errors) if (job.errors.length < MAX_ERRORS) job.errors.push({ line, ...e });
    };
    const flush = async () => {
      if (!batch.length) return;
      await deps.producer.send({ topic: deps.topic, acks: -1, messages: batch.map((e) => ({ key: e.entryId, value: JSON.stringify(e) })) });
      for (const e of batch) deps.view.applyLocal(e.entryId, e);
      job.accepted += batch.length;
      batch = [];
    };
    const at = new Date().toISOString();
    const assigned = new Map<string, number>();
    for await (const raw of lines) {
      lineNo++;
      const line = raw.replace(/^\uFEFF/, '');
      if (!line.trim()) continue;
      let obj: unknown;
      if (job.format === 'csv') {
        const cells = parseCsvLine(line);
        if (!cells.ok) {
          job.total++;
          reject(lineNo, [{ path: '', message: cells.reason }]);
          continue;
        }
        if (!header) {
          header = cells.cells.map((c) => c.trim());
          continue;
        }
        obj = csvRecordToObject(header, cells.cells);
      } else {
        try {
          obj = JSON.parse(line);
        } catch {
          job.total++;
          reject(lineNo, [{ path: '', message: 'not valid JSON' }]);
          continue;
        }
      }
      job.total++;
      const parsed = parseWatchlistEntry(obj);
      if (!parsed.success) {
        reject(lineNo, fieldErrors(parsed.error));
        continue;
      }
      const e = parsed.data;
      if (!inScope(p, e.ownerJurisdiction)) {
        reject(lineNo, [{ path: '/ownerJurisdiction', message: `outside your jurisdiction ${p.jur}` }]);
        continue;
      }
      const existing = deps.view.get(e.entryId);
      if (existing && !inScope(p, existing.ownerJurisdiction)) {
        reject(lineNo, [{ path: '/entryId', message: `an entry owned by ${existing.ownerJurisdiction} exists under this id` }]);
        continue;
      }
      // The same id twice in one file: the later line is the newer version.
      const version = (assigned.get(e.entryId) ?? existing?.version ?? 0) + 1;
      assigned.set(e.entryId, version);
      const { version: _v, provenance: _p, ...rest } = e;
      batch.push({ ...rest, version, provenance: { source: 'import', by: p.sub, at } });
      if (batch.length >= deps.batchSize) await flush();
    }
    await flush();
  };

  return {
    start(p, format, body) {
      const job: ImportJob = { jobId: randomUUID(), state: 'running', format, by: p.sub, startedAt: new Date().toISOString(), total: 0, accepted: 0, rejected: 0, errors: [] };
      jobs.set(job.jobId, job);
      while (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value!);
      void run(job, p, body)
        .then(() => {
          job.state = 'done';
        })
        .catch((err: unknown) => {
          job.state = 'failed';
          job.failure = err instanceof Error ? err.message : 'import failed';
          log.warn({ err, jobId: job.jobId }, 'watchlist import failed');
          body.resume();
        })
        .finally(() => {
          job.finishedAt = new Date().toISOString();
          void deps.audit.record({ actor: p.sub, role: p.role, action: 'watchlist_change', target: `import:${job.jobId}`, details: { op: 'import', format, state: job.state, total: job.total, accepted: job.accepted, rejected: job.rejected } });
        });
      return job;
    },
    get: (id) => jobs.get(id),
  };
}
