import { WATCHLIST_CATEGORIES, WATCHLIST_KINDS, canonicalPermitNo, canonicalPlate, foldLookalikes, parseResidentId, plateDiff, type WatchlistEntry } from '../../../../schemas/src';
import type { VehicleMatchView, WatchlistStore } from '../watchlist-port';
import { createByteArena, type ArenaImage, type ByteArena } from './byte-arena';
import { KIND_PERMIT, KIND_PERSON, KIND_VEHICLE, POOL_IDS_AT, copyRecord, recordReader, type RecordReader } from './entry-codec';
import { createHashMultimap, type HashMultimap, type MultimapImage } from './hash-multimap';
import { foldedHash, plateVariants, spellVariant, type Tier } from './plate-variants';
import { PREPARED_HEADER, createPreparedWriter, keyHash, preparedCarrierHash, preparedFoldedHash, preparedIdHash, preparedKeyHash, preparedRecordSize, preparedSize, preparedVersion } from './prepared-entry';
import { createStringPool, type PoolImage, type StringPool } from './string-pool';
import { stringHash } from './string-hash';
import { copyBytes } from './bytes';

export interface CompactWatchlistStats {
  entries: number;
  persons: number;
  vehicles: number;
  permits: number;
  /** Puts ignored because the entry held was of a higher version. */
  staleIgnored: number;
  recordBytes: number;
  deadRecordBytes: number;
  poolStrings: number;
  /** Bytes held outside the JS heap and in typed arrays: records, pool, slot table and hash tables. */
  heldBytes: number;
  compactions: number;
}

/** One stored entry's fields, read from its record without decoding the rest (valid during the visit only). */
export interface RecordView {
  kind(): WatchlistEntry['kind'];
  category(): WatchlistEntry['category'];
  ownerJurisdiction(): string;
  entryId(): string;
  key(): string;
  reason(): string;
  /** The JSON of the fields the record does not hold itself (attributes, provenance, display…), '' when none. */
  restJson(): string;
  /** Pool ids of the reason and of that JSON (0: none): text shared by many entries has one id. */
  textIds(): [reason: number, rest: number];
  decode(): WatchlistEntry;
}

export interface CompactWatchlist extends WatchlistStore {
  /**
   * Visits the entries of slots `[from, to)` (all by default), in slot order, through a view that decodes nothing it
   * is not asked for; returns the slot to go on from (a long scan can yield between calls). Changes made between
   * calls are seen or not, as with any live iteration.
   */
  forEachRecord(visit: (r: RecordView) => void, from?: number, to?: number): number;
  /**
   * `upsert` of an entry prepared with `createPreparedWriter` (possibly on another thread): the one at
   * `buf[at…]`. Returns where the next byte after it is.
   */
  upsertPrepared(buf: Buffer, at: number): number;
  /** Makes room for `entries` entries in all, so a big load does not rehash its tables again and again as it grows. */
  reserve(entries: number): void;
  /** Exact, then fuzzy unless `fuzzy: false`; at most `limit` (default 5), best first. */
  matchVehicle(plate: string, at: Date, opts?: { fuzzy?: boolean; limit?: number }): VehicleMatchView[];
  entries(): Iterable<WatchlistEntry>;
  stats(): CompactWatchlistStats;
  /** Rewrites live records into fresh storage, dropping replaced and deleted ones (also runs by itself). */
  compact(): void;
  /**
   * The whole index as it is held — its buffers, not copies — for a snapshot (`snapshot-file.ts`). Valid until
   * the next change: whoever writes it out must not change the index before the write is done.
   */
  image(): WatchlistImage;
  /** Replaces the (empty) index by an image taken with `image()`, without re-inserting anything. */
  restore(image: WatchlistImage): void;
  /** Forgets every entry (a restored snapshot found not to fit its topic, before a full read). */
  clear(): void;
}

export interface WatchlistImage {
  arena: ArenaImage;
  pool: PoolImage;
  byId: MultimapImage;
  byKey: MultimapImage;
  byFolded: MultimapImage;
  byCarrier: MultimapImage;
  /** Record address of each slot below the next unused slot (EMPTY where free). */
  slots: Uint32Array;
  free: Uint32Array;
  perKind: number[];
  liveBytes: number;
  deadBytes: number;
  staleIgnored: number;
  compactions: number;
}

const EMPTY = 0xffffffff;
const TIER_SCORE: Record<Tier | 'exact', number> = { exact: 1, lookalike: 0.9, province: 0.8, extra: 0.6, missing: 0.6 };
/** At most this many fuzzy candidates are verified per lookup, whatever the list holds. */
const MAX_FUZZY_CANDIDATES = 256;

/** Person ids as the list holds them: legacy 15-digit ids widened, a trailing x upper-cased. */
function normaliseId(id: string): string {
  const s = id.trim();
  if (s.length === 15 || s.endsWith('x')) {
    const r = parseResidentId(s);
    if (r.ok) return r.id18;
  }
  return s;
}

/**
 * The whole watchlist in compact memory (~100 bytes an entry at 10 million): records in off-heap byte
 * chunks with repeating text interned (`entry-codec.ts`), slots in a Uint32Array, and open-addressing
 * hash tables of slots by entry id, by (kind, key), by look-alike-folded plate and by permit carrier
 * plate. Nothing per entry is a JS object, so the garbage collector has almost nothing to trace.
 *
 * Vehicle lookup: exact, then bounded and ranked fuzzy tiers (OCR look-alike, province character,
 * one character extra or missing) from `plate-variants.ts`; every result says what differed.
 * A put older (lower `version`) than the entry held is ignored; equal versions replace (a re-put).
 */
export function createCompactWatchlist(opts: { expectedEntries?: number; compactDeadBytes?: number } = {}): CompactWatchlist {
  const expected = opts.expectedEntries ?? 1024;
  const compactDeadBytes = opts.compactDeadBytes ?? 64 * 2 ** 20;
  let arena: ByteArena;
  let pool: StringPool;
  let rec: RecordReader;
  let byId: HashMultimap, byKey: HashMultimap, byFolded: HashMultimap, byCarrier: HashMultimap;
  let slots: Uint32Array, free: Uint32Array;
  let freeCount: number, nextSlot: number, liveBytes: number, deadBytes: number, staleIgnored: number, compactions: number;
  let perKind: number[];
  const init = () => {
    arena = createByteArena();
    pool = createStringPool();
    rec = recordReader(arena, pool);
    byId = createHashMultimap(expected);
    byKey = createHashMultimap(expected);
    byFolded = createHashMultimap(expected / 2);
    byCarrier = createHashMultimap(64);
    slots = new Uint32Array(Math.max(1024, expected)).fill(EMPTY);
    free = new Uint32Array(1024);
    freeCount = nextSlot = liveBytes = deadBytes = staleIgnored = compactions = 0;
    perKind = [0, 0, 0];
  };
  init();

  const slotOf = (entryId: string): number => {
    const h = stringHash(entryId);
    for (let p = byId.first(h); p >= 0; p = byId.next(h, p)) {
      const s = byId.valueAt(p);
      if (rec.idEquals(slots[s]!, entryId)) return s;
    }
    return -1;
  };

  const newSlot = (): number => {
    if (freeCount > 0) return free[--freeCount]!;
    if (nextSlot >= slots.length) {
      const bigger = new Uint32Array(slots.length * 2).fill(EMPTY);
      bigger.set(slots);
      slots = bigger;
    }
    return nextSlot++;
  };

  const carrierOf = (addr: number): string | undefined => (rec.kind(addr) === KIND_PERMIT ? rec.decode(addr).attributes.carrierPlate : undefined);

  const drop = (slot: number) => {
    const addr = slots[slot]!;
    const kind = rec.kind(addr);
    const key = rec.key(addr);
    byId.remove(stringHash(rec.entryId(addr)), slot);
    byKey.remove(keyHash(kind, key), slot);
    if (kind === KIND_VEHICLE) byFolded.remove(foldedHash(key), slot);
    const carrier = carrierOf(addr);
    if (carrier) byCarrier.remove(stringHash(carrier), slot);
    const size = rec.size(addr);
    liveBytes -= size;
    deadBytes += size;
    perKind[kind]!--;
    slots[slot] = EMPTY;
    if (freeCount >= free.length) {
      const bigger = new Uint32Array(free.length * 2);
      bigger.set(free);
      free = bigger;
    }
    free[freeCount++] = slot;
  };

  const compact = () => {
    const from = { arena, pool, reader: rec };
    const to = { arena: createByteArena(), pool: createStringPool() };
    for (let s = 0; s < nextSlot; s++) if (slots[s] !== EMPTY) slots[s] = copyRecord(from, slots[s]!, to);
    arena = to.arena;
    pool = to.pool;
    rec = recordReader(arena, pool);
    deadBytes = 0;
    compactions++;
  };

  const scratch = createPreparedWriter(4096);

  const upsertPrepared = (buf: Buffer, at: number): number => {
    const end = at + preparedSize(buf, at);
    const recAt = at + PREPARED_HEADER;
    const size = preparedRecordSize(buf, at);
    const idHash = preparedIdHash(buf, at);
    for (let p = byId.first(idHash); p >= 0; p = byId.next(idHash, p)) {
      const s = byId.valueAt(p);
      if (!rec.idEqualsRecord(slots[s]!, buf, recAt)) continue;
      if (rec.version(slots[s]!) > preparedVersion(buf, at)) {
        staleIgnored++;
        return end;
      }
      drop(s);
      break;
    }
    const addr = arena.alloc(size);
    const chunk = arena.chunk(addr);
    const o = arena.offset(addr);
    copyBytes(buf, recAt, chunk, o, size);
    let t = recAt + size;
    for (let i = 0; i < 4; i++) {
      const len = buf.readInt32LE(t + 4);
      chunk.writeUInt32LE(len < 0 ? 0 : pool.internBytes(buf.readUInt32LE(t), buf, t + 8, len), o + POOL_IDS_AT + 4 * i);
      t += 8 + Math.max(0, len);
    }
    const slot = newSlot();
    slots[slot] = addr;
    const kind = chunk[o]!;
    byId.add(idHash, slot);
    byKey.add(preparedKeyHash(buf, at), slot);
    if (kind === KIND_VEHICLE) byFolded.add(preparedFoldedHash(buf, at), slot);
    const carrier = kind === KIND_PERMIT ? preparedCarrierHash(buf, at) : undefined;
    if (carrier !== undefined) byCarrier.add(carrier, slot);
    perKind[kind]!++;
    liveBytes += size;
    if (deadBytes > compactDeadBytes && deadBytes > liveBytes) compact();
    return end;
  };

  const store: CompactWatchlist = {
    upsert(entry) {
      scratch.reset();
      scratch.put(entry);
      upsertPrepared(scratch.bytes(), 0);
    },
    upsertPrepared,
    reserve(entries) {
      byId.reserve(entries);
      byKey.reserve(entries);
      byFolded.reserve(entries / 2);
      if (slots.length < entries) {
        const bigger = new Uint32Array(2 ** Math.ceil(Math.log2(entries))).fill(EMPTY);
        bigger.set(slots);
        slots = bigger;
      }
    },
    remove(entryId) {
      const slot = slotOf(entryId);
      if (slot >= 0) drop(slot);
      if (deadBytes > compactDeadBytes && deadBytes > liveBytes) compact();
    },
    get(entryId) {
      const slot = slotOf(entryId);
      return slot < 0 ? undefined : rec.decode(slots[slot]!);
    },
    size: () => perKind[0]! + perKind[1]! + perKind[2]!,
    forEachRecord(visit, from = 0, to = Infinity) {
      let addr = 0;
      const view: RecordView = {
        kind: () => WATCHLIST_KINDS[rec.kind(addr)]!,
        category: () => WATCHLIST_CATEGORIES[rec.category(addr)]!,
        ownerJurisdiction: () => rec.ownerJurisdiction(addr),
        entryId: () => rec.entryId(addr),
        key: () => rec.key(addr),
        reason: () => pool.get(rec.refs(addr)[0]),
        restJson: () => {
          const rest = rec.refs(addr)[3];
          return rest === 0 ? '' : pool.get(rest);
        },
        textIds: () => {
          const refs = rec.refs(addr);
          return [refs[0], refs[3]];
        },
        decode: () => rec.decode(addr),
      };
      const end = Math.min(to, nextSlot);
      for (let s = from; s < end; s++) {
        if (slots[s] === EMPTY) continue;
        addr = slots[s]!;
        visit(view);
      }
      return end;
    },
    *entries() {
      for (let s = 0; s < nextSlot; s++) if (slots[s] !== EMPTY) yield rec.decode(slots[s]!);
    },
    matchPerson(id18, at) {
      const id = normaliseId(id18);
      const h = keyHash(KIND_PERSON, id);
      const t = at.getTime();
      const out: WatchlistEntry[] = [];
      for (let p = byKey.first(h); p >= 0; p = byKey.next(h, p)) {
        const addr = slots[byKey.valueAt(p)]!;
        if (rec.kind(addr) === KIND_PERSON && rec.key(addr) === id && rec.validAt(addr, t)) out.push(rec.decode(addr));
      }
      return out;
    },
    matchVehicle(plate, at, o = {}) {
      const limit = Math.max(1, o.limit ?? 5);
      const observed = canonicalPlate(plate);
      const t = at.getTime();
      const found = new Map<number, VehicleMatchView>();
      const consider = (slot: number) => {
        const addr = slots[slot]!;
        if (found.has(slot) || rec.kind(addr) !== KIND_VEHICLE || !rec.validAt(addr, t)) return;
        const entry = rec.decode(addr);
        const differences = plateDiff(entry.key, plate);
        const base = TIER_SCORE[differences.kind === 'length' ? 'extra' : differences.kind];
        // Within a tier, fewer differing characters rank first (never enough to cross into the next tier).
        const score = Math.round((base - 0.01 * Math.max(0, differences.positions.length - 1)) * 100) / 100;
        found.set(slot, { entry, exact: differences.kind === 'exact', kind: differences.kind, differences, score });
      };
      const h = keyHash(KIND_VEHICLE, observed);
      for (let p = byKey.first(h); p >= 0; p = byKey.next(h, p)) {
        const slot = byKey.valueAt(p);
        if (rec.key(slots[slot]!) === observed) consider(slot);
      }
      if (o.fuzzy !== false) {
        const variants = plateVariants(observed);
        let verified = 0;
        for (let tier = 0, i = 0; tier < variants.tierEnd.length; tier++) {
          // Lower tiers cannot outrank what is already enough results.
          if (found.size >= limit || verified >= MAX_FUZZY_CANDIDATES) break;
          for (const end = variants.tierEnd[tier]!; i < end; i++) {
            const hash = variants.hash[i]!;
            for (let p = byFolded.first(hash); p >= 0 && verified < MAX_FUZZY_CANDIDATES; p = byFolded.next(hash, p)) {
              const slot = byFolded.valueAt(p);
              verified++;
              if (!found.has(slot) && foldLookalikes(rec.key(slots[slot]!)) === spellVariant(variants, i)) consider(slot);
            }
          }
        }
      }
      return [...found.values()]
        .sort((a, b) => b.score - a.score || (a.entry.key < b.entry.key ? -1 : a.entry.key > b.entry.key ? 1 : 0) || (a.entry.entryId < b.entry.entryId ? -1 : 1))
        .slice(0, limit);
    },
    matchPermits(q, at) {
      const t = at.getTime();
      const seen = new Set<number>();
      const out: WatchlistEntry[] = [];
      const take = (slot: number, ok: (e: WatchlistEntry) => boolean) => {
        const addr = slots[slot]!;
        if (seen.has(slot) || rec.kind(addr) !== KIND_PERMIT || !rec.validAt(addr, t)) return;
        const e = rec.decode(addr);
        if (!ok(e)) return;
        seen.add(slot);
        out.push(e);
      };
      if (q.permitNo) {
        const no = canonicalPermitNo(q.permitNo);
        const h = keyHash(KIND_PERMIT, no);
        for (let p = byKey.first(h); p >= 0; p = byKey.next(h, p)) take(byKey.valueAt(p), (e) => e.key === no);
      }
      if (q.carrierPlate) {
        const plate = canonicalPlate(q.carrierPlate);
        const h = stringHash(plate);
        for (let p = byCarrier.first(h); p >= 0; p = byCarrier.next(h, p)) take(byCarrier.valueAt(p), (e) => e.attributes.carrierPlate === plate);
      }
      return out;
    },
    stats: () => ({
      entries: store.size(),
      persons: perKind[KIND_PERSON]!,
      vehicles: perKind[KIND_VEHICLE]!,
      permits: perKind[KIND_PERMIT]!,
      staleIgnored,
      recordBytes: liveBytes,
      deadRecordBytes: deadBytes,
      poolStrings: pool.count(),
      heldBytes: arena.reserved() + pool.bytes() + slots.byteLength + free.byteLength + byId.bytes() + byKey.bytes() + byFolded.bytes() + byCarrier.bytes(),
      compactions,
    }),
    compact,
    image: () => ({
      arena: arena.image(),
      pool: pool.image(),
      byId: byId.image(),
      byKey: byKey.image(),
      byFolded: byFolded.image(),
      byCarrier: byCarrier.image(),
      slots: slots.subarray(0, nextSlot),
      free: free.subarray(0, freeCount),
      perKind: [...perKind],
      liveBytes,
      deadBytes,
      staleIgnored,
      compactions,
    }),
    clear: () => init(),
    restore(image) {
      if (nextSlot !== 0) throw new Error('restore needs an empty watchlist');
      const live = image.perKind.reduce((a, b) => a + b, 0);
      if (image.perKind.length !== 3 || image.byId.count !== live || image.byKey.count !== live || image.slots.length - image.free.length !== live)
        throw new RangeError('inconsistent watchlist image');
      const nextArena = createByteArena(image.arena);
      const nextPool = createStringPool(image.pool);
      const tables = [image.byId, image.byKey, image.byFolded, image.byCarrier].map((t) => createHashMultimap(0, t));
      [byId, byKey, byFolded, byCarrier] = tables as [HashMultimap, HashMultimap, HashMultimap, HashMultimap];
      arena = nextArena;
      pool = nextPool;
      rec = recordReader(arena, pool);
      nextSlot = image.slots.length;
      slots = new Uint32Array(Math.max(1024, 2 ** Math.ceil(Math.log2(nextSlot + 1)))).fill(EMPTY);
      slots.set(image.slots);
      freeCount = image.free.length;
      free = new Uint32Array(Math.max(1024, 2 ** Math.ceil(Math.log2(freeCount + 1))));
      free.set(image.free);
      perKind = [...image.perKind];
      liveBytes = image.liveBytes;
      deadBytes = image.deadBytes;
      staleIgnored = image.staleIgnored;
      compactions = image.compactions;
    },
  };
  return store;
}
