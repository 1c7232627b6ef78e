/**
 * A live-feed cursor is the position in Kafka of the last frame a client received: for each topic
 * partition of hits and hit updates, the last offset delivered. Kafka positions are stable, so a cursor
 * stays valid across console restarts and across console instances.
 */
export type Positions = Record<string, string>; // `${topicTag}:${partition}` → offset

export function encodeCursor(p: Positions): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

export function decodeCursor(s: string): Positions | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
    const out: Positions = {};
    for (const [k, off] of Object.entries(v)) {
      if (!/^[hu]:\d{1,5}$/.test(k) || typeof off !== 'string' || !/^-?\d{1,20}$/.test(off)) return undefined;
      out[k] = off;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** True when the frame at (key, offset) comes after the cursor. */
export function isAfter(cursor: Positions, key: string, offset: string): boolean {
  const seen = cursor[key];
  return seen === undefined ? true : BigInt(offset) > BigInt(seen);
}
