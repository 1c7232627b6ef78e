import { createHash, randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import type { WatchlistImage } from './compact-watchlist';

/**
 * A watchlist snapshot file: the compact index's buffers written as they are, so a restart reads them back
 * (≈ 1.4 GB at 10 million entries, seconds) instead of parsing, validating and inserting every record of the
 * compacted topic again (minutes). Layout:
 *
 *   "CIWLSNP2" · uint32 LE header length · SHA-256 (32 bytes) · header JSON · part 0 · part 1 · …
 *
 * The header holds the topic, the next offset applied per partition, when that was the log's end, the image's
 * numbers with every buffer replaced by `{ "$part": i }`, and each part's type and length; the SHA-256 covers the
 * header and every part. A file is written under a temporary name, synced and renamed, so a crash mid-write
 * leaves the previous file; a file whose length or digest does not match is refused as a whole.
 */
export interface SnapshotHeader {
  format: 2;
  endian: 'LE' | 'BE';
  topic: string;
  /** Next offset of the topic applied into the image, per partition. */
  positions: Record<string, string>;
  /** Key of the record at positions − 1, per partition: checked on restore, so a topic made again is not mistaken for this one. */
  lastKeys: Record<string, string>;
  /** Records (`partition:offset`) that introduced an entry, kept so a retro-hunt still behind them after a restart hunts them. */
  introductions: string[];
  /** When the positions were the end of the log (the instance was caught up): tombstones after them are younger. */
  writtenAt: string;
  entries: number;
  meta: unknown;
  parts: Array<{ type: 'u8' | 'u32'; bytes: number }>;
}

const MAGIC = Buffer.from('CIWLSNP2', 'latin1');
const DIGEST = 32;
const LEAD = MAGIC.length + 4 + DIGEST;
/** Hashing and writing go in slices of this much: each slice hashes in ~3 ms, so the event loop keeps turning. */
const SLICE = 4 * 2 ** 20;
const MAX_HEADER = 16 * 2 ** 20;

type Part = Buffer | Uint32Array;

function flatten(value: unknown, parts: Part[]): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint32Array) {
    parts.push(value);
    return { $part: parts.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => flatten(v, parts));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flatten(v, parts)]));
  return value;
}

function unflatten(value: unknown, parts: Part[]): unknown {
  if (Array.isArray(value)) return value.map((v) => unflatten(v, parts));
  if (value !== null && typeof value === 'object') {
    const ref = (value as { $part?: unknown }).$part;
    if (typeof ref === 'number') {
      const part = parts[ref];
      if (!part) throw new Error(`snapshot refers to a missing part ${ref}`);
      return part;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unflatten(v, parts)]));
  }
  return value;
}

const bytesOf = (p: Part): Buffer => (Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));

/** Writes `image` to `path` (atomically: temporary file, fsync, rename). The image must not change until this resolves. */
export async function writeSnapshot(
  path: string,
  info: { topic: string; positions: Map<number, bigint>; lastKeys: Map<number, string>; introductions: string[]; caughtUpAt: Date; entries: number },
  image: WatchlistImage,
): Promise<{ bytes: number }> {
  const parts: Part[] = [];
  const meta = flatten(image, parts);
  const header: SnapshotHeader = {
    format: 2,
    endian: endianness(),
    topic: info.topic,
    positions: Object.fromEntries([...info.positions].map(([p, o]) => [String(p), o.toString()])),
    lastKeys: Object.fromEntries([...info.lastKeys].map(([p, k]) => [String(p), k])),
    introductions: info.introductions,
    writtenAt: info.caughtUpAt.toISOString(),
    entries: info.entries,
    meta,
    parts: parts.map((p) => ({ type: Buffer.isBuffer(p) ? 'u8' : 'u32', bytes: p.byteLength })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const hash = createHash('sha256').update(headerBytes);
  for (const p of parts) {
    const b = bytesOf(p);
    for (let o = 0; o < b.length; o += SLICE) {
      hash.update(b.subarray(o, o + SLICE));
      // Yield between slices: the judge keeps answering while a snapshot is hashed.
      if (b.length > SLICE) await new Promise((r) => setImmediate(r));
    }
  }
  const lead = Buffer.alloc(LEAD);
  MAGIC.copy(lead);
  lead.writeUInt32LE(headerBytes.length, MAGIC.length);
  hash.digest().copy(lead, MAGIC.length + 4);
  const tmp = `${path}.${randomUUID()}.tmp`;
  const fh = await open(tmp, 'w');
  let bytes = 0;
  try {
    const write = async (b: Buffer) => {
      for (let o = 0; o < b.length; ) {
        const { bytesWritten } = await fh.write(b, o, Math.min(SLICE, b.length - o));
        o += bytesWritten;
        bytes += bytesWritten;
      }
    };
    await write(lead);
    await write(headerBytes);
    for (const p of parts) await write(bytesOf(p));
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  // The rename itself is durable once the directory is synced.
  const dir = await open(dirname(path), 'r');
  await dir.sync().catch(() => undefined);
  await dir.close();
  return { bytes };
}

async function readFully(fh: Awaited<ReturnType<typeof open>>, into: Buffer, position: number): Promise<void> {
  for (let o = 0; o < into.length; ) {
    const { bytesRead } = await fh.read(into, o, Math.min(SLICE * 4, into.length - o), position + o);
    if (bytesRead === 0) throw new Error('snapshot file ends early');
    o += bytesRead;
  }
}

/** The header of the snapshot at `path`, or undefined if there is none; throws if the file is not a snapshot of this format. */
export async function readSnapshotHeader(path: string): Promise<SnapshotHeader | undefined> {
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!fh) return undefined;
  try {
    return (await readHead(fh)).header;
  } finally {
    await fh.close();
  }
}

async function readHead(fh: Awaited<ReturnType<typeof open>>): Promise<{ header: SnapshotHeader; headerBytes: Buffer; digest: Buffer; bodyAt: number }> {
  const { size } = await fh.stat();
  if (size < LEAD) throw new Error('not a watchlist snapshot (too short)');
  const lead = Buffer.alloc(LEAD);
  await readFully(fh, lead, 0);
  if (!lead.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a watchlist snapshot of this format (magic)');
  const headerLength = lead.readUInt32LE(MAGIC.length);
  if (headerLength > MAX_HEADER || LEAD + headerLength > size) throw new Error('not a watchlist snapshot (header length)');
  const headerBytes = Buffer.alloc(headerLength);
  await readFully(fh, headerBytes, LEAD);
  let header: SnapshotHeader;
  try {
    header = JSON.parse(headerBytes.toString()) as SnapshotHeader;
  } catch {
    throw new Error('not a watchlist snapshot (header is not JSON)');
  }
  const wellFormed =
    header !== null && typeof header === 'object' && header.format === 2 && typeof header.topic === 'string' && typeof header.writtenAt === 'string' && Number.isInteger(header.entries) &&
    isRecordOf(header.positions, (v) => typeof v === 'string' && /^\d{1,19}$/.test(v)) && isRecordOf(header.lastKeys, (v) => typeof v === 'string') &&
    Array.isArray(header.introductions) && header.introductions.every((x) => typeof x === 'string') &&
    Array.isArray(header.parts) && header.parts.every((p) => (p?.type === 'u8' || p?.type === 'u32') && Number.isSafeInteger(p.bytes) && p.bytes >= 0);
  if (!wellFormed) throw new Error('not a watchlist snapshot (header fields)');
  if (header.endian !== endianness()) throw new Error(`snapshot written on a ${header.endian} machine`);
  const bodyAt = LEAD + headerLength;
  const body = header.parts.reduce((n, p) => n + p.bytes, 0);
  if (bodyAt + body !== size) throw new Error(`snapshot is ${size} bytes, its header describes ${bodyAt + body}`);
  return { header, headerBytes, digest: lead.subarray(MAGIC.length + 4), bodyAt };
}

const isRecordOf = (x: unknown, ok: (v: unknown) => boolean): boolean =>
  x !== null && typeof x === 'object' && !Array.isArray(x) && Object.entries(x).every(([k, v]) => /^\d{1,9}$/.test(k) && ok(v));

/** Reads the whole snapshot at `path` and checks its digest; throws if it is missing, truncated or altered. */
export async function readSnapshot(path: string): Promise<{ header: SnapshotHeader; image: WatchlistImage }> {
  const fh = await open(path, 'r');
  try {
    const { header, headerBytes, digest, bodyAt } = await readHead(fh);
    const hash = createHash('sha256').update(headerBytes);
    const parts: Part[] = [];
    let at = bodyAt;
    for (const p of header.parts) {
      if (p.type === 'u32' && p.bytes % 4 !== 0) throw new Error('snapshot part of uint32 has a length not a multiple of 4');
      const part: Part = p.type === 'u8' ? Buffer.allocUnsafeSlow(p.bytes) : new Uint32Array(p.bytes / 4);
      const b = bytesOf(part);
      await readFully(fh, b, at);
      for (let o = 0; o < b.length; o += SLICE) hash.update(b.subarray(o, o + SLICE));
      at += p.bytes;
      parts.push(part);
    }
    if (!hash.digest().equals(digest)) throw new Error('snapshot digest does not match its contents');
    return { header, image: unflatten(header.meta, parts) as WatchlistImage };
  } finally {
    await fh.close();
  }
}
