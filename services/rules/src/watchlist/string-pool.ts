import { createByteArena, type ArenaImage } from './byte-arena';
import { createHashMultimap, type MultimapImage } from './hash-multimap';
import { stringHash } from './string-hash';
import { bytesEqual, copyBytes } from './bytes';

/**
 * Interned strings (reasons, validity times, provenance and attribute blobs), stored once as UTF-8 in a
 * byte arena and referred to by a uint32 id; 0 means "absent". Ten million entries imported in a few
 * batches share a handful of reasons, times and provenances: each costs 4 bytes per entry instead of
 * its text. Strings are never freed one by one; the watchlist rebuilds the pool when it compacts.
 */
export interface StringPool {
  intern(s: string): number;
  /** `intern` of the UTF-8 text at `buf[at, at + len)` whose `stringHash` is `hash` (made elsewhere, e.g. on a worker). */
  internBytes(hash: number, buf: Buffer, at: number, len: number): number;
  get(id: number): string;
  count(): number;
  bytes(): number;
  /** Its storage as it is (not copies): what `createStringPool(image)` restores. */
  image(): PoolImage;
}

export interface PoolImage {
  arena: ArenaImage;
  table: MultimapImage;
  /** Address of each id, 1 … count (index 0 unused). */
  addrs: Uint32Array;
  count: number;
}

/** Recently interned strings by hash (direct-mapped), so a run of entries from one import skips the table probe. */
const HOT_BITS = 12;

export function createStringPool(from?: PoolImage): StringPool {
  const arena = createByteArena(from?.arena);
  const table = createHashMultimap(1024, from?.table);
  let next = from ? from.count + 1 : 1;
  let addrs = new Uint32Array(Math.max(1024, 2 ** Math.ceil(Math.log2(next + 1))));
  if (from) {
    if (from.addrs.length < next) throw new RangeError('not a string pool image');
    addrs.set(from.addrs.subarray(0, next));
  }
  const hotHash = new Uint32Array(1 << HOT_BITS);
  const hotId = new Uint32Array(1 << HOT_BITS);
  let scratch = Buffer.allocUnsafeSlow(1024);

  const get = (id: number): string => {
    const addr = addrs[id]!;
    const buf = arena.chunk(addr);
    const o = arena.offset(addr);
    return buf.toString('utf8', o + 4, o + 4 + buf.readUInt32LE(o));
  };
  /** True if string `id` is the bytes `buf[at, at + len)`. */
  const holds = (id: number, buf: Buffer, at: number, len: number): boolean => {
    const addr = addrs[id]!;
    const chunk = arena.chunk(addr);
    const o = arena.offset(addr);
    return chunk.readUInt32LE(o) === len && bytesEqual(chunk, o + 4, buf, at, len);
  };

  const internBytes = (hash: number, buf: Buffer, at: number, len: number): number => {
    hash >>>= 0;
    const slot = hash & ((1 << HOT_BITS) - 1);
    const cached = hotId[slot]!;
    if (cached !== 0 && hotHash[slot] === hash && holds(cached, buf, at, len)) return cached;
    let id = 0;
    for (let p = table.first(hash); p >= 0; p = table.next(hash, p)) {
      if (holds(table.valueAt(p), buf, at, len)) {
        id = table.valueAt(p);
        break;
      }
    }
    if (id === 0) {
      const addr = arena.alloc(4 + len);
      const chunk = arena.chunk(addr);
      const o = arena.offset(addr);
      chunk.writeUInt32LE(len, o);
      copyBytes(buf, at, chunk, o + 4, len);
      if (next >= addrs.length) {
        const bigger = new Uint32Array(addrs.length * 2);
        bigger.set(addrs);
        addrs = bigger;
      }
      id = next++;
      addrs[id] = addr;
      table.add(hash, id);
    }
    hotHash[slot] = hash;
    hotId[slot] = id;
    return id;
  };

  return {
    intern(s) {
      const max = s.length * 3;
      if (scratch.length < max) scratch = Buffer.allocUnsafeSlow(Math.max(max, scratch.length * 2));
      const len = scratch.write(s, 0, 'utf8');
      return internBytes(stringHash(s), scratch, 0, len);
    },
    internBytes,
    get,
    count: () => next - 1,
    bytes: () => arena.reserved() + table.bytes() + addrs.byteLength,
    image: () => ({ arena: arena.image(), table: table.image(), addrs: addrs.subarray(0, next), count: next - 1 }),
  };
}
