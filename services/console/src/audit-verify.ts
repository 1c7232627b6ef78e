import type { Client } from '@elastic/elasticsearch';
import { AuditRecordSchema, type AuditRecord, safeParse } from '../../../schemas/src';
import { auditHash, canonicalJson, GENESIS_HASH } from './audit';

export type BreakReason = 'hash_mismatch' | 'altered_copy' | 'invalid_record' | 'gap' | 'duplicate' | 'broken_link' | 'reordered';

export interface ChainBreak {
  chainId: string;
  /** The sequence number where the chain stops being trustworthy (for a gap: the first missing one). */
  seq: number;
  recordId: string;
  reason: BreakReason;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  chains: number;
  firstBreak?: ChainBreak;
}

/** A stored audit document: the record as written, plus the searchable copies of its fields. */
export interface StoredAudit {
  record: unknown;
  copy?: Record<string, unknown>;
}

/**
 * Checks chains record by record, fed in (chainId, seq) order. Per chain: sequence numbers from 0 without
 * holes or repeats, every hash recomputed from the record, every `prevHash` equal to the hash before it,
 * time never running backwards, and the indexed copies of the fields equal to the record. Stops at the
 * first break: after it, nothing in that chain can be trusted.
 */
export function createChainVerifier(): { push(doc: StoredAudit): void; result(): VerifyResult } {
  let checked = 0;
  let chains = 0;
  let firstBreak: ChainBreak | undefined;
  let chain: { id: string; expectSeq: number; prevHash: string; prevAt: number } | undefined;

  const fail = (b: ChainBreak) => {
    firstBreak ??= b;
  };
  return {
    push(doc) {
      if (firstBreak) return;
      checked++;
      const parsed = safeParse(AuditRecordSchema, doc.record);
      const loose = (doc.record ?? {}) as Partial<AuditRecord>;
      if (!parsed.success) return fail({ chainId: String(loose.chainId ?? ''), seq: Number(loose.seq ?? -1), recordId: String(loose.recordId ?? ''), reason: 'invalid_record' });
      const r = parsed.data;
      if (!chain || chain.id !== r.chainId) {
        chains++;
        chain = { id: r.chainId, expectSeq: 0, prevHash: GENESIS_HASH, prevAt: -Infinity };
      }
      const at = { chainId: r.chainId, seq: r.seq, recordId: r.recordId };
      if (r.seq > chain.expectSeq) return fail({ ...at, seq: chain.expectSeq, recordId: `${r.chainId}:${chain.expectSeq}`, reason: 'gap' });
      if (r.seq < chain.expectSeq) return fail({ ...at, reason: 'duplicate' });
      if (auditHash(r) !== r.hash) return fail({ ...at, reason: 'hash_mismatch' });
      if (r.prevHash !== chain.prevHash) return fail({ ...at, reason: 'broken_link' });
      const t = Date.parse(r.at);
      if (t < chain.prevAt) return fail({ ...at, reason: 'reordered' });
      if (doc.copy) {
        for (const [k, v] of Object.entries(doc.copy)) {
          if (k === 'record') continue;
          if (canonicalJson(v) !== canonicalJson((r as Record<string, unknown>)[k])) return fail({ ...at, reason: 'altered_copy' });
        }
      }
      chain.expectSeq = r.seq + 1;
      chain.prevHash = r.hash;
      chain.prevAt = t;
    },
    result: () => ({ ok: !firstBreak, checked, chains, ...(firstBreak ? { firstBreak } : {}) }),
  };
}

/** Reads every audit document from Elasticsearch in (chainId, seq) order and verifies the chains. */
export async function verifyAuditIndex(es: Client, indexPrefix: string, opts: { pageSize?: number } = {}): Promise<VerifyResult> {
  const v = createChainVerifier();
  let after: Array<string | number> | undefined;
  for (;;) {
    let res;
    try {
      res = await es.search<Record<string, unknown>>({
        index: `${indexPrefix}audit`,
        size: opts.pageSize ?? 1000,
        sort: [{ chainId: 'asc' }, { seq: 'asc' }, { recordId: 'asc' }],
        query: { match_all: {} },
        ...(after ? { search_after: after } : {}),
      });
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) break;
      throw err;
    }
    const hits = res.hits.hits;
    for (const h of hits) {
      const src = h._source ?? {};
      v.push({ record: src.record, copy: src });
    }
    if (hits.length < (opts.pageSize ?? 1000)) break;
    after = hits[hits.length - 1]!.sort as Array<string | number>;
  }
  return v.result();
}
