/**
 * Byte compare and copy for the short runs the watchlist moves (ids, keys, records of ~60 bytes, pooled text):
 * a JS loop beats `Buffer.compare` / `Buffer.copy` there, whose native call costs more than the work itself.
 * Longer runs go to the native ones.
 */
const NATIVE_FROM = 96;

/** True if `a[aAt, aAt + len)` equals `b[bAt, bAt + len)`. */
export function bytesEqual(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, len: number): boolean {
  if (len >= NATIVE_FROM) return Buffer.compare(a.subarray(aAt, aAt + len), b.subarray(bAt, bAt + len)) === 0;
  for (let i = 0; i < len; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** Copies `from[fromAt, fromAt + len)` to `to[toAt…]`. */
export function copyBytes(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number, len: number): void {
  if (len >= NATIVE_FROM) {
    to.set(from.subarray(fromAt, fromAt + len), toAt);
    return;
  }
  for (let i = 0; i < len; i++) to[toAt + i] = from[fromAt + i]!;
}
