import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WatchlistEntry } from '../../../../schemas/src';
import { entry, residentId } from '../fixtures';
import { createCompactWatchlist, type CompactWatchlist } from './compact-watchlist';
import { readSnapshot, readSnapshotHeader, writeSnapshot } from './snapshot-file';

const AT = new Date('2026-11-22T10:00:00+08:00');
const dir = mkdtempSync(join(tmpdir(), 'wl-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROVINCES = ['晋', '鄂', '粤', '辽', '宁', '云'];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const plate = (i: number) => `${PROVINCES[i % 6]}${LETTERS[(i >> 3) % 24]}${String(10_000 + ((i * 7919) % 90_000)).slice(0, 5)}`;

/** Entry i of every kind, with enough distinct text that the pool spans several arena chunks. */
function entryAt(i: number): WatchlistEntry {
  const kind = i % 5 === 4 ? 'permit' : i % 2 === 0 ? 'person' : 'vehicle';
  const key = kind === 'person' ? residentId(i, String(140_000 + (i % 900))) : kind === 'vehicle' ? plate(i) : `XK2026${String(i).padStart(8, '0')}`;
  return entry({
    entryId: `WL-S-${i}`,
    kind,
    key,
    reason: `批次 ${i % 17}: reason ${i % 3 === 0 ? i : 'shared'}`,
    attributes: kind === 'permit' ? { chemical: 'ephedrine', maxQuantityKg: 100 + i, permitNo: key, carrierPlate: plate(i + 3) } : {},
  });
}

/** Everything a lookup can see, in a stable order. */
function view(wl: CompactWatchlist, probes: number[]) {
  const all = [...wl.entries()].sort((a, b) => (a.entryId < b.entryId ? -1 : 1));
  const lookups = probes.map((i) => ({
    person: wl.matchPerson(residentId(i, String(140_000 + (i % 900))), AT).map((e) => e.entryId).sort(),
    vehicle: wl.matchVehicle(plate(i), AT, { limit: 5 }).map((m) => [m.entry.entryId, m.kind, m.score]),
    fuzzy: wl.matchVehicle(plate(i).replace('0', 'D'), AT, { limit: 5 }).map((m) => [m.entry.entryId, m.kind]),
    permit: wl.matchPermits({ permitNo: `XK2026${String(i).padStart(8, '0')}`, carrierPlate: plate(i + 3) }, AT).map((e) => e.entryId).sort(),
  }));
  const { heldBytes: _h, ...stats } = wl.stats();
  return { all, lookups, stats };
}

function built(n: number): CompactWatchlist {
  const wl = createCompactWatchlist();
  for (let i = 0; i < n; i++) wl.upsert(entryAt(i));
  // Replaced and removed entries: garbage in the arena, slots on the free list.
  for (let i = 0; i < n; i += 7) wl.upsert({ ...entryAt(i), version: 2, reason: `updated ${i}` });
  for (let i = 3; i < n; i += 11) wl.remove(`WL-S-${i}`);
  return wl;
}

describe('watchlist snapshot file', () => {
  const probes = Array.from({ length: 200 }, (_, k) => k * 37);
  const original = built(6_000);
  const path = join(dir, 'a.wlsnap');

  it('restores an index that answers every lookup exactly as the one written, without re-inserting', async () => {
    const positions = new Map([[0, 6_000n], [1, 17n]]);
    const { bytes } = await writeSnapshot(path, { topic: 'watchlist.v1', positions, lastKeys: new Map([[0, 'WL-S-5999'], [1, 'WL-S-16']]), introductions: ['0:5999'], caughtUpAt: new Date(), entries: original.size() }, original.image());
    expect(bytes).toBe(statSync(path).size);
    const { header, image } = await readSnapshot(path);
    expect(header).toMatchObject({ topic: 'watchlist.v1', positions: { 0: '6000', 1: '17' }, lastKeys: { 0: 'WL-S-5999', 1: 'WL-S-16' }, introductions: ['0:5999'], entries: original.size() });
    expect(header.parts.length).toBeGreaterThan(8);
    const restored = createCompactWatchlist();
    restored.restore(image);
    const expected = view(original, probes);
    // The probes find something of every kind, so equal views are not two empty ones.
    for (const k of ['person', 'vehicle', 'fuzzy', 'permit'] as const) expect(expected.lookups.filter((l) => l[k].length > 0).length, k).toBeGreaterThan(10);
    expect(view(restored, probes)).toEqual(expected);
  });

  it('keeps working after a restore: puts, replacements, removals and growth past its tables land the same as in the original', async () => {
    const { image } = await readSnapshot(path);
    const restored = createCompactWatchlist();
    restored.restore(image);
    const copy = built(6_000);
    for (const wl of [restored, copy]) {
      for (let i = 6_000; i < 20_000; i++) wl.upsert(entryAt(i));
      for (let i = 1; i < 20_000; i += 13) wl.remove(`WL-S-${i}`);
      for (let i = 0; i < 20_000; i += 5) wl.upsert({ ...entryAt(i), version: 3 });
      wl.upsert({ ...entryAt(14), version: 1 }); // older than the one held: ignored
    }
    const more = [...probes, ...Array.from({ length: 100 }, (_, k) => 6_000 + k * 131)];
    expect(view(restored, more)).toEqual(view(copy, more));
  });

  it('refuses a file whose contents were altered or cut short, and a restore into a watchlist that is not empty', async () => {
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 100]! ^= 0x40;
    writeFileSync(join(dir, 'flipped.wlsnap'), flipped);
    await expect(readSnapshot(join(dir, 'flipped.wlsnap'))).rejects.toThrow(/digest/);
    writeFileSync(join(dir, 'short.wlsnap'), good.subarray(0, good.length - 1));
    await expect(readSnapshot(join(dir, 'short.wlsnap'))).rejects.toThrow(/bytes, its header describes/);
    writeFileSync(join(dir, 'junk.wlsnap'), 'not a snapshot at all');
    await expect(readSnapshotHeader(join(dir, 'junk.wlsnap'))).rejects.toThrow(/not a watchlist snapshot/);
    expect(await readSnapshotHeader(join(dir, 'missing.wlsnap'))).toBeUndefined();
    const { image } = await readSnapshot(path);
    const busy = createCompactWatchlist();
    busy.upsert(entryAt(1));
    expect(() => busy.restore(image)).toThrow(/empty/);
    expect(busy.size()).toBe(1);
  });
});
