import { createHash, randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { AuditRecord } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';

export type AuditAction = AuditRecord['action'];

export interface AuditEntry {
  actor: string;
  role: string;
  action: AuditAction;
  target?: string | undefined;
  purpose?: string | undefined;
  details?: Record<string, unknown>;
  crossJurisdiction?: boolean;
}

export interface AuditTrail {
  chainId: string;
  /**
   * Appends a record to this instance's chain; resolves once Kafka acknowledged it. The returned promise
   * may be ignored (a failed write is retried in order, never dropped, so the chain has no holes).
   */
  record(entry: AuditEntry): Promise<AuditRecord>;
  /** Waits until every record so far is in Kafka (or `timeoutMs` passed). */
  flush(timeoutMs?: number): Promise<void>;
  pending(): number;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level and undefined dropped: the bytes the hash covers. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** `sha256(prevHash + canonical JSON of the record without its hash)`, hex. */
export function auditHash(r: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _h, ...rest } = r;
  return createHash('sha256').update(r.prevHash + canonicalJson(rest)).digest('hex');
}

/**
 * The console's audit trail: append-only records to `audit.v1` (key = actor), one hash chain per running
 * instance (`chainId`), so instances never contend for "the previous record". Sequence and hash are fixed
 * when the event happens; the writer sends in order and retries until Kafka takes each record.
 */
export function createAuditTrail(deps: { producer: Producer; topic: string; instanceId: string; logger: Logger; now?: () => Date }): AuditTrail {
  const log = deps.logger.child({ component: 'audit' });
  const now = deps.now ?? (() => new Date());
  const started = now().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const chainId = `${deps.instanceId}.${started}.${randomBytes(3).toString('hex')}`;
  let seq = 0;
  let prevHash = GENESIS_HASH;
  const queue: Array<{ rec: AuditRecord; resolve: (r: AuditRecord) => void }> = [];
  let writing: Promise<void> | undefined;

  const write = async () => {
    let delay = 200;
    while (queue.length) {
      const batch = queue.slice(0, 500);
      try {
        await deps.producer.send({ topic: deps.topic, acks: -1, messages: batch.map(({ rec }) => ({ key: rec.actor, value: JSON.stringify(rec), headers: { 'chain-id': chainId, seq: String(rec.seq) } })) });
        queue.splice(0, batch.length);
        for (const b of batch) b.resolve(b.rec);
        delay = 200;
      } catch (err) {
        log.warn({ err, pending: queue.length, delayMs: delay }, 'audit records not written yet; retrying');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  };
  const kick = () => {
    writing ??= write().finally(() => {
      writing = undefined;
      if (queue.length) kick();
    });
  };

  return {
    chainId,
    pending: () => queue.length,
    record(entry) {
      const base: Omit<AuditRecord, 'hash'> = {
        schemaVersion: 1,
        recordId: `${chainId}:${seq}`,
        chainId,
        seq,
        at: now().toISOString(),
        actor: entry.actor.slice(0, 64),
        role: entry.role.slice(0, 20),
        action: entry.action,
        ...(entry.target ? { target: entry.target.slice(0, 200) } : {}),
        ...(entry.purpose ? { purpose: entry.purpose.slice(0, 500) } : {}),
        details: entry.details ? (JSON.parse(JSON.stringify(entry.details)) as Record<string, unknown>) : {},
        crossJurisdiction: entry.crossJurisdiction ?? false,
        prevHash,
      };
      const rec: AuditRecord = { ...base, hash: auditHash(base) };
      seq += 1;
      prevHash = rec.hash;
      const done = new Promise<AuditRecord>((resolve) => queue.push({ rec, resolve }));
      kick();
      return done;
    },
    async flush(timeoutMs = 10_000) {
      if (!queue.length) return;
      await Promise.race([new Promise<void>((r) => {
        const last = queue[queue.length - 1]!;
        const orig = last.resolve;
        last.resolve = (x) => {
          orig(x);
          r();
        };
      }), new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
    },
  };
}
