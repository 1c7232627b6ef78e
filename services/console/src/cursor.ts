import { z } from 'zod';
import { safeParse } from '../../../schemas/src';

/** The two topics a live-feed frame can come from: `h` = hits (rules), `u` = hit updates (workflow). */
export type TopicTag = 'h' | 'u';

/**
 * A position in the merged log of hits and hit updates: for every topic partition, the next offset not yet
 * delivered (`h:3` → `"120"` means offsets ≤ 119 of hits partition 3 were delivered). Kafka offsets are
 * stable, so a cursor means the same thing to every console instance and after a restart.
 */
export type Positions = Record<string, string>;

export const positionKey = (tag: TopicTag, partition: number): string => `${tag}:${partition}`;

const Encoded = z.record(z.string().regex(/^[hu]:\d{1,5}$/), z.string().regex(/^\d{1,19}$/));

/** Opaque to clients: base64url of the JSON vector. */
export function encodeCursor(p: Positions): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

/** The vector, or undefined for anything this service did not issue (never trusted beyond its shape). */
export function decodeCursor(s: string): Positions | undefined {
  if (s.length > 8192 || !/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = safeParse(Encoded, json);
  if (!parsed.success || Object.keys(parsed.data).length > 2048) return undefined;
  return parsed.data;
}

/**
 * True when the record at (key, offset) was not yet delivered to the cursor's holder. A partition the
 * cursor does not name (added since) counts as not delivered at all.
 */
export function isAfter(cursor: Positions, key: string, offset: string): boolean {
  const next = cursor[key];
  return next === undefined || BigInt(offset) >= BigInt(next);
}
