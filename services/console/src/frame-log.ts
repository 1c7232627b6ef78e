import type { Hit } from '../../../schemas/src';
import { encodeCursor, type Positions } from './cursor';

export interface Frame {
  /** Position in this instance's log (not meaningful to clients; cursors are). */
  index: number;
  type: 'hit' | 'hit.updated';
  /** `h:<partition>` or `u:<partition>`. */
  key: string;
  offset: number;
  hit: Hit;
  /** Encoded positions just after this frame: what a client holds once it has it. */
  cursor: string;
}

export interface FrameLog {
  /** Records that one record of the merged log was consumed; returns the frame when it produced one. */
  advance(key: string, offset: number, frame?: { type: Frame['type']; hit: Hit; bytes?: number }): Frame | undefined;
  /** Index of the oldest frame still held, and one past the newest. */
  first(): number;
  head(): number;
  get(index: number): Frame | undefined;
  /** Positions (encoded) before the frame at `index`: after everything consumed before it. */
  cursorBefore(index: number): string;
  /** Positions now (everything consumed, with or without a frame). */
  positions(): Positions;
  /** Next offset to consume on one partition (`h:3`), if known. */
  nextOffset(key: string): number | undefined;
  /** Positions before the oldest frame held: a cursor older than this on some partition needs Kafka. */
  basePositions(): Positions;
  /** Frames and their record bytes held now. */
  held(): { frames: number; bytes: number };
}

/**
 * The live feed's in-memory log: frames in the order this instance consumed them, each with the cursor
 * after it, bounded to about `max` frames and about `maxBytes` of their records (the oldest fall off;
 * older cursors are served from Kafka). The byte bound matters when hits are updated often: each version
 * of a hit with hundreds of evidence items is a frame of its own, and the soak showed 22,000 such frames
 * holding 1.9 GB.
 */
export function createFrameLog(opts: { start: Positions; max: number; maxBytes?: number }): FrameLog {
  const maxBytes = opts.maxBytes ?? Infinity;
  const positions: Positions = { ...opts.start };
  let base: Positions = { ...opts.start };
  let baseCursor = encodeCursor(base);
  let currentCursor: string | undefined;
  const frames: Frame[] = [];
  const sizes: number[] = [];
  let bytes = 0;
  let offset0 = 0; // index of frames[0]

  return {
    advance(key, offset, f) {
      positions[key] = String(offset + 1);
      currentCursor = undefined;
      if (!f) return undefined;
      const frame: Frame = { index: offset0 + frames.length, type: f.type, key, offset, hit: f.hit, cursor: encodeCursor(positions) };
      currentCursor = frame.cursor;
      frames.push(frame);
      const size = f.bytes ?? 0;
      sizes.push(size);
      bytes += size;
      // Trimmed in slices so a full log does not move every element on every frame.
      if (frames.length > opts.max + Math.ceil(opts.max / 10) || (bytes > maxBytes * 1.1 && frames.length > 1)) {
        let drop = Math.max(0, frames.length - opts.max);
        let kept = bytes;
        for (let i = 0; i < drop; i++) kept -= sizes[i]!;
        while (kept > maxBytes && drop < frames.length - 1) kept -= sizes[drop++]!;
        if (drop > 0) {
          const lastDropped = frames[drop - 1]!;
          base = JSON.parse(Buffer.from(lastDropped.cursor, 'base64url').toString('utf8')) as Positions;
          baseCursor = lastDropped.cursor;
          frames.splice(0, drop);
          sizes.splice(0, drop);
          bytes = kept;
          offset0 += drop;
        }
      }
      return frame;
    },
    first: () => offset0,
    head: () => offset0 + frames.length,
    get: (i) => frames[i - offset0],
    cursorBefore(i) {
      if (i >= offset0 + frames.length) return (currentCursor ??= encodeCursor(positions));
      if (i <= offset0) return baseCursor;
      return frames[i - offset0 - 1]!.cursor;
    },
    positions: () => ({ ...positions }),
    nextOffset: (key) => (positions[key] === undefined ? undefined : Number(positions[key])),
    basePositions: () => ({ ...base }),
    held: () => ({ frames: frames.length, bytes }),
  };
}
