import { ACTIONS, SEVERITIES, WATCHLIST_CATEGORIES, WATCHLIST_KINDS, type WatchlistEntry } from '../../../../schemas/src';
import type { ByteArena } from './byte-arena';
import type { StringPool } from './string-pool';
import { bytesEqual } from './bytes';

/**
 * One watchlist entry as ~60 bytes: enums as bytes, the jurisdiction as a number, repeating text as pool
 * ids, the id and key inline (they are what lookups compare).
 *
 *   0 kind · 1 category · 2 severity · 3 action · 4 u32 ownerJurisdiction · 8 u32 version
 *   12 u32 reason · 16 u32 validFrom · 20 u32 validUntil · 24 u32 rest (pool ids, 0 = absent)
 *   28 u8 idLen, id (ASCII) · u8 keyLen, key (UTF-8)
 *
 * `rest` is the JSON of every other field (attributes, provenance, display, …), so a field added to the
 * schema later survives the round trip unchanged; decoding returns an entry deep-equal to the one stored.
 */
const HEADER = 28;
const VERSION_IN_REST = 0xffffffff;
const STORED = new Set(['schemaVersion', 'entryId', 'kind', 'key', 'category', 'severity', 'action', 'ownerJurisdiction', 'reason', 'validFrom', 'validUntil', 'version']);
const KIND_CODE = new Map<string, number>(WATCHLIST_KINDS.map((k, i) => [k, i]));
const CATEGORY_CODE = new Map<string, number>(WATCHLIST_CATEGORIES.map((k, i) => [k, i]));
const SEVERITY_CODE = new Map<string, number>(SEVERITIES.map((k, i) => [k, i]));
const ACTION_CODE = new Map<string, number>(ACTIONS.map((k, i) => [k, i]));

export const KIND_PERSON = KIND_CODE.get('person')!;
export const KIND_VEHICLE = KIND_CODE.get('vehicle')!;
export const KIND_PERMIT = KIND_CODE.get('permit')!;

const code = (m: Map<string, number>, v: string, field: string): number => {
  const c = m.get(v);
  if (c === undefined) throw new TypeError(`watchlist entry: unknown ${field} "${v}"`);
  return c;
};

/** Text a record refers to by pool id (reason, validFrom, validUntil, rest); `undefined` is "absent" (id 0). */
export type PooledText = string | undefined;

const versionFits = (v: number) => v >= 0 && v < VERSION_IN_REST;

/** The JSON of every field the record does not hold itself, or undefined when there is none. */
export function restJson(e: WatchlistEntry): PooledText {
  let rest: Record<string, unknown> | undefined;
  for (const k in e) {
    const v = (e as Record<string, unknown>)[k];
    if (STORED.has(k) || v === undefined) continue;
    if (k === 'attributes' && isEmpty(v as object)) continue;
    (rest ??= {})[k] = v;
  }
  if (!versionFits(e.version)) (rest ??= {}).version = e.version;
  if (rest === undefined) return undefined;
  return onlyProvenance(rest) ? provenanceJson(rest.provenance as Record<string, unknown>) : JSON.stringify(rest);
}

function onlyProvenance(rest: Record<string, unknown>): boolean {
  for (const k in rest) if (k !== 'provenance') return false;
  return typeof rest.provenance === 'object' && rest.provenance !== null;
}

/**
 * `JSON.stringify({ provenance: p })`, remembered for the last provenance of string values: an import's entries
 * share theirs and come one after another, so a big read mostly reuses the text instead of making it again.
 */
let memoKeys: string[] = [];
let memoValues: string[] = [];
let memoJson = '';
function provenanceJson(p: Record<string, unknown>): string {
  if (sameAsMemo(p)) return memoJson;
  const json = JSON.stringify({ provenance: p });
  const keys: string[] = [];
  const values: string[] = [];
  for (const k in p) {
    const v = p[k];
    if (typeof v !== 'string') {
      memoKeys = [];
      return json;
    }
    keys.push(k);
    values.push(v);
  }
  memoKeys = keys;
  memoValues = values;
  memoJson = json;
  return json;
}

/** `p` has the remembered keys, in the same order, with the same values. */
function sameAsMemo(p: Record<string, unknown>): boolean {
  if (memoKeys.length === 0) return false;
  let i = 0;
  for (const k in p) {
    if (i >= memoKeys.length || memoKeys[i] !== k || memoValues[i] !== p[k]) return false;
    i++;
  }
  return i === memoKeys.length;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** Room `encodeRecord` may need for `e` (its key counted at 3 bytes a UTF-16 unit). */
export const recordRoom = (e: WatchlistEntry): number => HEADER + 2 + e.entryId.length + 3 * e.key.length;

/**
 * Writes `e`'s record at `b[o]` (`recordRoom(e)` bytes must be free there) with its four pool ids zero: whoever
 * stores it fills them in. Returns its size. Throws a TypeError for an enum value the format does not know and a
 * RangeError for an id or key too long for it.
 */
export function encodeRecord(e: WatchlistEntry, b: Buffer, o: number): number {
  const idLen = e.entryId.length;
  if (idLen > 255) throw new RangeError('watchlist entry id or key too long');
  b[o] = code(KIND_CODE, e.kind, 'kind');
  b[o + 1] = code(CATEGORY_CODE, e.category, 'category');
  b[o + 2] = code(SEVERITY_CODE, e.severity, 'severity');
  b[o + 3] = code(ACTION_CODE, e.action, 'action');
  b.writeUInt32LE(Number(e.ownerJurisdiction), o + 4);
  b.writeUInt32LE(versionFits(e.version) ? e.version : VERSION_IN_REST, o + 8);
  b.fill(0, o + 12, o + HEADER);
  b[o + HEADER] = idLen;
  b.write(e.entryId, o + HEADER + 1, idLen, 'latin1');
  const k = o + HEADER + 1 + idLen;
  const keyLen = b.write(e.key, k + 1, 'utf8');
  if (keyLen > 255) throw new RangeError('watchlist entry id or key too long');
  b[k] = keyLen;
  return HEADER + 2 + idLen + keyLen;
}

/** Where a record's pool ids are (reason, validFrom, validUntil, rest: four u32 from here). */
export const POOL_IDS_AT = 12;

/** Reads fields of one stored record without decoding the rest of it. */
export function recordReader(arena: ByteArena, pool: StringPool) {
  const at = (addr: number) => ({ b: arena.chunk(addr), o: arena.offset(addr) });
  const at_ = at;
  const reader = {
    kind: (addr: number): number => arena.chunk(addr)[arena.offset(addr)]!,
    category: (addr: number): number => arena.chunk(addr)[arena.offset(addr) + 1]!,
    ownerJurisdiction(addr: number): string {
      const { b, o } = at(addr);
      return String(b.readUInt32LE(o + 4)).padStart(6, '0');
    },
    version(addr: number): number {
      const { b, o } = at(addr);
      const v = b.readUInt32LE(o + 8);
      return v === VERSION_IN_REST ? reader.decode(addr).version : v;
    },
    size(addr: number): number {
      const { b, o } = at(addr);
      const idLen = b[o + HEADER]!;
      return HEADER + 2 + idLen + b[o + HEADER + 1 + idLen]!;
    },
    /** True if the record's entry id is `id` (compared byte by byte, no string made). */
    idEquals(addr: number, id: string): boolean {
      const { b, o } = at(addr);
      const len = b[o + HEADER]!;
      if (len !== id.length) return false;
      for (let i = 0; i < len; i++) if (b[o + HEADER + 1 + i] !== id.charCodeAt(i)) return false;
      return true;
    },
    /** True if the record's entry id is the one of record bytes `buf[at…]` (a record not stored yet). */
    idEqualsRecord(addr: number, buf: Buffer, at: number): boolean {
      const { b, o } = at_(addr);
      const len = b[o + HEADER]!;
      return buf[at + HEADER] === len && bytesEqual(b, o + HEADER + 1, buf, at + HEADER + 1, len);
    },
    entryId(addr: number): string {
      const { b, o } = at(addr);
      return b.toString('latin1', o + HEADER + 1, o + HEADER + 1 + b[o + HEADER]!);
    },
    key(addr: number): string {
      const { b, o } = at(addr);
      const k = o + HEADER + 1 + b[o + HEADER]!;
      return b.toString('utf8', k + 1, k + 1 + b[k]!);
    },
    /** Whether the entry is in force at `t` (ms); absent bounds are open. */
    validAt(addr: number, t: number): boolean {
      const { b, o } = at(addr);
      const from = b.readUInt32LE(o + 16);
      const until = b.readUInt32LE(o + 20);
      return (from === 0 || Date.parse(pool.get(from)) <= t) && (until === 0 || Date.parse(pool.get(until)) >= t);
    },
    /** The pool ids a record refers to, in layout order (reason, validFrom, validUntil, rest). */
    refs(addr: number): [number, number, number, number] {
      const { b, o } = at(addr);
      return [b.readUInt32LE(o + 12), b.readUInt32LE(o + 16), b.readUInt32LE(o + 20), b.readUInt32LE(o + 24)];
    },
    decode(addr: number): WatchlistEntry {
      const { b, o } = at(addr);
      const version = b.readUInt32LE(o + 8);
      const [reason, from, until, rest] = reader.refs(addr);
      const extra = rest === 0 ? {} : (JSON.parse(pool.get(rest)) as Record<string, unknown>);
      return {
        schemaVersion: 1,
        entryId: reader.entryId(addr),
        kind: WATCHLIST_KINDS[b[o]!]!,
        key: reader.key(addr),
        category: WATCHLIST_CATEGORIES[b[o + 1]!]!,
        severity: SEVERITIES[b[o + 2]!]!,
        action: ACTIONS[b[o + 3]!]!,
        ownerJurisdiction: String(b.readUInt32LE(o + 4)).padStart(6, '0'),
        reason: pool.get(reason),
        ...(from !== 0 ? { validFrom: pool.get(from) } : {}),
        ...(until !== 0 ? { validUntil: pool.get(until) } : {}),
        attributes: {},
        version,
        ...extra,
      } as WatchlistEntry;
    },
  };
  return reader;
}

export type RecordReader = ReturnType<typeof recordReader>;

/** Copies a record into another arena, re-interning its text in another pool (compaction). */
export function copyRecord(from: { arena: ByteArena; pool: StringPool; reader: RecordReader }, addr: number, to: { arena: ByteArena; pool: StringPool }): number {
  const size = from.reader.size(addr);
  const refs = from.reader.refs(addr);
  const dst = to.arena.alloc(size);
  const db = to.arena.chunk(dst);
  const d = to.arena.offset(dst);
  const sb = from.arena.chunk(addr);
  const s = from.arena.offset(addr);
  sb.copy(db, d, s, s + size);
  refs.forEach((id, i) => db.writeUInt32LE(id === 0 ? 0 : to.pool.intern(from.pool.get(id)), d + 12 + i * 4));
  return dst;
}
