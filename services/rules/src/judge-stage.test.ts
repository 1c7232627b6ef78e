import { describe, expect, it } from 'vitest';
import { VerdictPackSchema } from '../../../schemas/src';
import { MAX_VERDICT_PACK_BYTES, packVerdicts } from './judge-stage';

const verdict = (i: number, summaryChars = 0) =>
  JSON.stringify({ schemaVersion: 1, eventId: `evt-${i}`, judgedAt: '2026-11-22T10:00:00+08:00', hits: [], ...(summaryChars ? { note: '检'.repeat(summaryChars) } : {}) });

describe('verdict packs', () => {
  it('packs a chunk of verdicts into one record that parses back to every verdict in order', () => {
    const packs = packVerdicts(Array.from({ length: 200 }, (_, i) => verdict(i)));
    expect(packs).toHaveLength(1);
    expect(VerdictPackSchema.parse(JSON.parse(packs[0]!)).verdicts.map((v) => v.eventId)).toEqual(Array.from({ length: 200 }, (_, i) => `evt-${i}`));
    expect(packVerdicts([])).toEqual([]);
  });

  it('splits by UTF-8 bytes so no pack passes the bound, and never drops or repeats a verdict', () => {
    // ~30 KB of three-byte characters each: 10 UTF-16 units would count a third of the bytes.
    const big = Array.from({ length: 40 }, (_, i) => verdict(i, 10_000));
    const packs = packVerdicts(big);
    expect(packs.length).toBeGreaterThan(4);
    for (const p of packs) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_VERDICT_PACK_BYTES + 100);
    expect(packs.flatMap((p) => (JSON.parse(p) as { verdicts: Array<{ eventId: string }> }).verdicts.map((v) => v.eventId))).toEqual(big.map((_, i) => `evt-${i}`));
  });
});
