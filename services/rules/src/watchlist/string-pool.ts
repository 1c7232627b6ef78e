import { createByteArena, type ArenaImage } from './byte-arena';
import { createHashMultimap, type MultimapImage } from './hash-multimap';
import { stringHash } from './string-hash';

/**
 * Interned strings (reasons, validity times, provenance and attribute blobs), stored once as UTF-8 in a
 * byte arena and referred to by a uint32 id; 0 means "absent". Ten million entries imported in a few
 * batches share a handful of reasons, times and provenances: each costs 4 bytes per entry instead of
 * its text. Strings are never freed one by one; the watchlist rebuilds the pool when it compacts.
 */
export interface StringPool {
  intern(s: string): number;
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

/** Recently interned strings, so a run of entries from one import skips the arena lookup. */
const HOT_MAX = 4096;

export function createStringPool(from?: PoolImage): StringPool {
  const arena = createByteArena(from?.arena);
  const table = createHashMultimap(1024, from?.table);
  let next = from ? from.count + 1 : 1;
  let addrs = new Uint32Array(Math.max(1024, 2 ** Math.ceil(Math.log2(next + 1))));
  if (from) {
    if (from.addrs.length < next) throw new RangeError('not a string pool image');
    addrs.set(from.addrs.subarray(0, next));
  }
  const hot = new Map<string, number>();

  const get = (id: number): string => {
    const addr = addrs[id]!;
    const buf = arena.chunk(addr);
    const o = arena.offset(addr);
    return buf.toString('utf8', o + 4, o + 4 + buf.readUInt32LE(o));
  };

  return {
    intern(s) {
      const cached = hot.get(s);
      if (cached !== undefined) return cached;
      const h = stringHash(s);
      let id = 0;
      for (let p = table.first(h); p >= 0; p = table.next(h, p)) {
        if (get(table.valueAt(p)) === s) {
          id = table.valueAt(p);
          break;
        }
      }
      if (id === 0) {
        const len = Buffer.byteLength(s, 'utf8');
        const addr = arena.alloc(4 + len);
        const buf = arena.chunk(addr);
        const o = arena.offset(addr);
        buf.writeUInt32LE(len, o);
        buf.write(s, o + 4, len, 'utf8');
        if (next >= addrs.length) {
          const bigger = new Uint32Array(addrs.length * 2);
          bigger.set(addrs);
          addrs = bigger;
        }
        id = next++;
        addrs[id] = addr;
        table.add(h, id);
      }
      if (hot.size >= HOT_MAX) hot.clear();
      hot.set(s, id);
      return id;
    },
    get,
    count: () => next - 1,
    bytes: () => arena.reserved() + table.bytes() + addrs.byteLength,
    image: () => ({ arena: arena.image(), table: table.image(), addrs: addrs.subarray(0, next), count: next - 1 }),
  };
}
