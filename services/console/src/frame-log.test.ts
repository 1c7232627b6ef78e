import { describe, expect, it } from 'vitest';
import { decodeCursor, isAfter } from './cursor';
import { createFrameLog } from './frame-log';
import { sampleHit } from './sample-hit';

const hit = sampleHit();

describe('live-feed frame log', () => {
  it('gives every frame the cursor just after it, counting records that produced no frame', () => {
    const log = createFrameLog({ start: { 'h:0': '10', 'u:0': '0' }, max: 100 });
    const a = log.advance('h:0', 10, { type: 'hit', hit })!;
    log.advance('u:0', 0); // a rejected update: no frame, but consumed
    const b = log.advance('h:0', 11, { type: 'hit.updated', hit })!;
    expect(decodeCursor(a.cursor)).toEqual({ 'h:0': '11', 'u:0': '0' });
    expect(decodeCursor(b.cursor)).toEqual({ 'h:0': '12', 'u:0': '1' });
    expect(log.cursorBefore(b.index)).toBe(a.cursor);
    expect(decodeCursor(log.cursorBefore(log.head()))).toEqual({ 'h:0': '12', 'u:0': '1' });
  });

  it('resuming from a frame’s cursor selects exactly the frames after it', () => {
    const log = createFrameLog({ start: { 'h:0': '0', 'h:1': '0' }, max: 100 });
    const frames = [log.advance('h:0', 0, { type: 'hit', hit })!, log.advance('h:1', 0, { type: 'hit', hit })!, log.advance('h:0', 1, { type: 'hit', hit })!, log.advance('h:1', 1, { type: 'hit', hit })!];
    const c = decodeCursor(frames[1]!.cursor)!;
    expect(frames.filter((f) => isAfter(c, f.key, String(f.offset))).map((f) => f.index)).toEqual([2, 3]);
  });

  it('keeps about the newest `max` frames and reports where the kept log starts', () => {
    const log = createFrameLog({ start: { 'h:0': '0' }, max: 10 });
    for (let i = 0; i < 25; i++) log.advance('h:0', i, { type: 'hit', hit });
    expect(log.head()).toBe(25);
    expect(log.head() - log.first()).toBeLessThanOrEqual(11);
    expect(log.get(log.first() - 1)).toBeUndefined();
    const firstKept = log.get(log.first())!;
    expect(log.basePositions()).toEqual({ 'h:0': String(firstKept.offset) });
    expect(decodeCursor(log.cursorBefore(log.first()))).toEqual(log.basePositions());
  });

  it('also keeps the frames it holds under `maxBytes` of their records, the newest always kept', () => {
    const log = createFrameLog({ start: { 'h:0': '0' }, max: 1000, maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) log.advance('h:0', i, { type: 'hit.updated', hit, bytes: 1_000 });
    expect(log.held().bytes).toBeLessThanOrEqual(11_000);
    expect(log.held().frames).toBeGreaterThanOrEqual(10);
    expect(log.head() - log.first()).toBe(log.held().frames);
    expect(log.get(log.head() - 1)!.offset).toBe(99);
    expect(log.basePositions()).toEqual({ 'h:0': String(log.get(log.first())!.offset) });
    // One frame larger than the whole bound is still held (a client must be able to get the newest).
    log.advance('h:0', 100, { type: 'hit.updated', hit, bytes: 50_000 });
    expect(log.held().frames).toBe(1);
    expect(log.get(log.first())!.offset).toBe(100);
  });
});
