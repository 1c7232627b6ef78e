import { describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { AuditRecordSchema, type AuditRecord } from '../../../schemas/src';
import { createLogger } from '../../../lib/logger';
import { auditHash, canonicalJson, createAuditTrail, GENESIS_HASH } from './audit';
import { createChainVerifier } from './audit-verify';

function fakeProducer(fail = 0): { producer: Producer; sent: AuditRecord[] } {
  const sent: AuditRecord[] = [];
  let failures = fail;
  const producer = {
    send: async ({ messages }: { messages: Array<{ value: string }> }) => {
      if (failures-- > 0) throw new Error('broker down');
      for (const m of messages) sent.push(AuditRecordSchema.parse(JSON.parse(m.value)));
      return [];
    },
  } as unknown as Producer;
  return { producer, sent };
}

async function chain(n: number, fail = 0): Promise<AuditRecord[]> {
  const { producer, sent } = fakeProducer(fail);
  const trail = createAuditTrail({ producer, topic: 'audit', instanceId: 'console-t', logger: createLogger({ level: 'silent' }) });
  await Promise.all(Array.from({ length: n }, (_, i) => trail.record({ actor: `user${i % 3}`, role: 'investigator', action: 'search', purpose: 'case 17', details: { plate: '晋C12345', n: i } })));
  return sent;
}

const verify = (records: AuditRecord[], copies?: Array<Record<string, unknown>>) => {
  const v = createChainVerifier();
  records.forEach((r, i) => v.push({ record: r, ...(copies ? { copy: copies[i]! } : {}) }));
  return v.result();
};

describe('audit hash chain', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });

  it('chains records from the genesis hash, each hash over the previous hash and the record', async () => {
    const rs = await chain(5);
    expect(rs.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(rs[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rs.length; i++) expect(rs[i]!.prevHash).toBe(rs[i - 1]!.hash);
    for (const r of rs) expect(auditHash(r)).toBe(r.hash);
    expect(verify(rs)).toEqual({ ok: true, checked: 5, chains: 1 });
  });

  it('writes every record in order after the broker comes back, leaving no hole', async () => {
    const rs = await chain(4, 2);
    expect(rs.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect(verify(rs).ok).toBe(true);
  });

  it('reports an altered record at its own sequence number', async () => {
    const rs = await chain(6);
    rs[3] = { ...rs[3]!, actor: 'someone-else' };
    expect(verify(rs)).toMatchObject({ ok: false, firstBreak: { seq: 3, reason: 'hash_mismatch', recordId: rs[3]!.recordId } });
  });

  it('reports a record altered and re-hashed where the next link breaks', async () => {
    const rs = await chain(6);
    const forged = { ...rs[2]!, purpose: 'nothing to see' };
    rs[2] = { ...forged, hash: auditHash(forged) };
    expect(verify(rs)).toMatchObject({ ok: false, firstBreak: { seq: 3, reason: 'broken_link' } });
  });

  it('reports a deleted record as a gap at the missing sequence number', async () => {
    const rs = await chain(6);
    rs.splice(4, 1);
    expect(verify(rs)).toMatchObject({ ok: false, firstBreak: { seq: 4, reason: 'gap' } });
  });

  it('reports a searchable copy that differs from the record it indexes', async () => {
    const rs = await chain(3);
    const copies = rs.map((r) => ({ ...r } as Record<string, unknown>));
    copies[1]!.actor = 'nobody';
    expect(verify(rs, copies)).toMatchObject({ ok: false, firstBreak: { seq: 1, reason: 'altered_copy' } });
  });
});
