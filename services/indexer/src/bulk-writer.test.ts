import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { createBulkWriter, type BulkItemResult, type BulkSend } from './bulk-writer';
import type { BulkOperation } from './bulk-operation';

const logger = createLogger({ level: 'silent', name: 'test' });
const op = (id: string): BulkOperation => ({ action: { create: { _index: 'events-2026.11', _id: id } }, doc: { eventId: id } });
const idsOf = (operations: object[]) => operations.filter((_, i) => i % 2 === 0).map((a) => (a as { create: { _id: string } }).create._id);

describe('bulk writer', () => {
  it('sends the operations of concurrent writes in one bulk request', async () => {
    const calls: string[][] = [];
    const send: BulkSend = async (ops) => {
      calls.push(idsOf(ops));
      return idsOf(ops).map(() => ({ status: 201 }));
    };
    const w = createBulkWriter({ send, prepare: async () => undefined, logger, lingerMs: 20 });
    const [a, b] = await Promise.all([w.write([op('a1'), op('a2')]), w.write([op('b1')])]);
    expect(calls).toEqual([['a1', 'a2', 'b1']]);
    expect(a).toEqual([{ result: 'indexed' }, { result: 'indexed' }]);
    expect(b).toEqual([{ result: 'indexed' }]);
  });

  it('keeps two bulks in flight while a backlog waits, one when it does not', async () => {
    let active = 0;
    let peak = 0;
    const sizes: number[] = [];
    const send: BulkSend = async (ops) => {
      active++;
      peak = Math.max(peak, active);
      sizes.push(ops.length / 2);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return idsOf(ops).map(() => ({ status: 201 }));
    };
    const w = createBulkWriter({ send, prepare: async () => undefined, logger, maxDocs: 10, maxInFlight: 2, lingerMs: 1 });
    const out = await w.write(Array.from({ length: 35 }, (_, i) => op(`e${i}`)));
    expect(out).toHaveLength(35);
    expect(out.every((o) => o.result === 'indexed')).toBe(true);
    expect(peak).toBe(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(35);

    peak = 0;
    await w.write([op('alone')]);
    expect(peak).toBe(1);
  });

  it('retries while Elasticsearch is unreachable and only then reports the documents done', async () => {
    let attempts = 0;
    let prepared = 0;
    const send: BulkSend = async (ops) => {
      attempts++;
      if (attempts < 3) throw new Error('connect ECONNREFUSED');
      return idsOf(ops).map(() => ({ status: 201 }));
    };
    const w = createBulkWriter({ send, prepare: async () => void prepared++, logger, backoff: { initialMs: 5, maxMs: 10 } });
    let healthWhileDown: boolean | undefined;
    const done = w.write([op('x')]);
    setTimeout(() => (healthWhileDown = w.isHealthy()), 8);
    expect(await done).toEqual([{ result: 'indexed' }]);
    expect(attempts).toBe(3);
    expect(prepared).toBe(1);
    expect(healthWhileDown).toBe(false);
    expect(w.isHealthy()).toBe(true);
  });

  it('retries only the items Elasticsearch pushed back, treats 409 as already indexed and 400 as dead', async () => {
    const seen: string[][] = [];
    const send: BulkSend = async (ops) => {
      const ids = idsOf(ops);
      seen.push(ids);
      return ids.map((id): BulkItemResult => (id === 'busy' && seen.length === 1 ? { status: 429 } : id === 'dup' ? { status: 409 } : id === 'bad' ? { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [occurredAt]' } } : { status: 201 }));
    };
    const w = createBulkWriter({ send, prepare: async () => undefined, logger, backoff: { initialMs: 1, maxMs: 2 } });
    const out = await w.write([op('ok'), op('busy'), op('dup'), op('bad')]);
    expect(seen).toEqual([['ok', 'busy', 'dup', 'bad'], ['busy']]);
    expect(out).toEqual([{ result: 'indexed' }, { result: 'indexed' }, { result: 'duplicate' }, { result: 'dead', reason: '400 mapper_parsing_exception: failed to parse field [occurredAt]' }]);
  });

  it('drops an abandoned write from the retry queue and rejects pending writes on close', async () => {
    const sent: string[] = [];
    const send: BulkSend = async (ops) => {
      sent.push(...idsOf(ops));
      throw new Error('down');
    };
    const w = createBulkWriter({ send, prepare: async () => undefined, logger, backoff: { initialMs: 20, maxMs: 20 } });
    const ac = new AbortController();
    const abandoned = w.write([op('gone')], ac.signal);
    const kept = w.write([op('kept')]);
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await expect(abandoned).rejects.toThrow(/abandoned/);
    await new Promise((r) => setTimeout(r, 30));
    w.close();
    await expect(kept).rejects.toThrow(/stopping/);
    expect(sent.filter((s) => s === 'gone')).toHaveLength(1);
    expect(sent.filter((s) => s === 'kept').length).toBeGreaterThan(1);
  });
});
