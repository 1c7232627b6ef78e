import { createHash, randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { AuditRecord } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';

export type AuditInput = Pick<AuditRecord, 'actor' | 'role' | 'action'> & { target?: string | undefined; purpose?: string | undefined; details?: Record<string, unknown>; crossJurisdiction?: boolean };

/** sha256 over the record without its own hash, keys in a fixed order. */
export function auditHash(r: Omit<AuditRecord, 'hash'>): string {
  const ordered = JSON.stringify(r, Object.keys(r).sort());
  return createHash('sha256').update(`${r.prevHash}|${ordered}|${JSON.stringify(r.details)}`).digest('hex');
}

/**
 * Append-only audit records, one hash chain per console instance (so instances never contend), written
 * through Kafka (`audit.v1`) and indexed by the indexer. Writes are queued and sent in order.
 */
export function createAuditTrail(deps: { producer: Producer; topic: string; logger: Logger }) {
  const chainId = `console-${randomUUID()}`;
  let seq = 0;
  let prevHash = '0'.repeat(64);
  let chain = Promise.resolve();
  return {
    chainId,
    record(input: AuditInput): void {
      const base: Omit<AuditRecord, 'hash'> = {
        schemaVersion: 1,
        recordId: `${chainId}-${seq}`,
        chainId,
        seq,
        at: new Date().toISOString(),
        actor: input.actor,
        role: input.role,
        action: input.action,
        ...(input.target ? { target: input.target } : {}),
        ...(input.purpose ? { purpose: input.purpose } : {}),
        details: input.details ?? {},
        crossJurisdiction: input.crossJurisdiction ?? false,
        prevHash,
      };
      const rec: AuditRecord = { ...base, hash: auditHash(base) };
      seq += 1;
      prevHash = rec.hash;
      chain = chain
        .then(() => deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: chainId, value: JSON.stringify(rec) }] }).then(() => undefined))
        .catch((err: unknown) => deps.logger.error({ err, recordId: rec.recordId }, 'audit record not written'));
    },
    flush: () => chain,
  };
}
