/**
 * Append-only storage in fixed 32 MiB Buffers (outside the V8 heap). An address is a uint32:
 * chunk number × 2^25 + offset, so up to 128 chunks (≈ 3.7 GiB, the first ones small). Growing never copies what is stored, so
 * loading 10 million entries does not pass through a moment holding the data twice.
 */
export interface ByteArena {
  /** Reserves `n` bytes (n ≤ chunk size) and returns their address. */
  alloc(n: number): number;
  chunk(addr: number): Buffer;
  offset(addr: number): number;
  /** Bytes handed out so far. */
  used(): number;
  /** Bytes held (whole chunks). */
  reserved(): number;
  /** The chunks as they are (not copies) and the fill of the last: what `createByteArena(image)` restores. */
  image(): ArenaImage;
}

export interface ArenaImage {
  chunks: Buffer[];
  fill: number;
  used: number;
}

export const CHUNK_BITS = 25;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const MAX_CHUNKS = 128;
const FIRST_CHUNK = 1 << 16;

export function createByteArena(from?: ArenaImage): ByteArena {
  const chunks: Buffer[] = from ? [...from.chunks] : [];
  let capacity = chunks.at(-1)?.length ?? 0;
  let fill = from?.fill ?? 0;
  let used = from?.used ?? 0;
  let reserved = chunks.reduce((n, c) => n + c.length, 0);
  if (chunks.length > MAX_CHUNKS || fill > capacity || chunks.some((c) => c.length > CHUNK_SIZE)) throw new RangeError('not an arena image');
  return {
    alloc(n) {
      if (n > CHUNK_SIZE) throw new RangeError(`a record of ${n} bytes does not fit a chunk`);
      if (fill + n > capacity) {
        if (chunks.length >= MAX_CHUNKS) throw new RangeError('watchlist storage is full (4 GiB)');
        // The unused tail of the chunk left behind: zeroed, so an image (a snapshot file) holds no stray process memory.
        chunks.at(-1)?.fill(0, fill);
        // The first chunks are small (64 KiB, doubling), so a small watchlist costs little; each chunk
        // keeps its 2^25 address stride. Unpooled: pages count in RSS only once written.
        capacity = Math.min(CHUNK_SIZE, Math.max(n, FIRST_CHUNK * 2 ** chunks.length));
        chunks.push(Buffer.allocUnsafeSlow(capacity));
        reserved += capacity;
        fill = 0;
      }
      const addr = (chunks.length - 1) * CHUNK_SIZE + fill;
      fill += n;
      used += n;
      return addr;
    },
    chunk: (addr) => chunks[Math.floor(addr / CHUNK_SIZE)]!,
    offset: (addr) => addr % CHUNK_SIZE,
    used: () => used,
    reserved: () => reserved,
    image() {
      chunks.at(-1)?.fill(0, fill);
      return { chunks: [...chunks], fill, used };
    },
  };
}
