import { describe, expect, it } from 'vitest';
import { backoffDelay, createLiveConnection, CURSOR_KEY, SILENCE_LIMIT_MS } from './live.js';

interface Sent {
  op: string;
  resumeFrom?: string;
}

/** A WebSocket stand-in the test drives: open, server frames, close. */
function fakeSockets() {
  const sockets: FakeSocket[] = [];
  class FakeSocket {
    sent: Sent[] = [];
    closed = false;
    onopen: (() => void) | null = null;
    onmessage: ((ev: { data: string }) => void) | null = null;
    onclose: ((ev: { code: number }) => void) | null = null;
    onerror: (() => void) | null = null;
    constructor(readonly url: string) {
      sockets.push(this);
    }
    send(data: string) {
      this.sent.push(JSON.parse(data) as Sent);
    }
    close() {
      this.closed = true;
    }
    open() {
      this.onopen?.();
    }
    frame(f: object) {
      this.onmessage?.({ data: JSON.stringify(f) });
    }
    drop(code = 1006) {
      this.onclose?.({ code });
    }
  }
  return { sockets, FakeSocket };
}

/** Timers the test advances by hand. */
function manualTimers() {
  let now = 0;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    setTimeout: (fn: () => void, ms: number) => {
      due.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (id: number | undefined) => {
      if (id !== undefined) due.delete(id);
    },
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now || !due.has(id)) continue;
        due.delete(id);
        t.fn();
      }
    },
    now: () => now,
  };
}

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

const hit = (hitId: string, detectedAt: string) => ({ hitId, detectedAt, severity: 'critical', status: 'new', version: 1 });

function setup(opts: { cursor?: string; known?: string[] } = {}) {
  const { sockets, FakeSocket } = fakeSockets();
  const timers = manualTimers();
  const storage = memoryStorage();
  if (opts.cursor) storage.setItem(CURSOR_KEY, opts.cursor);
  const frames: Array<{ type: string; replayed?: boolean }> = [];
  const statuses: Array<{ state: string; resumed: boolean; missed: number }> = [];
  let unauthorized = 0;
  const clock = { wall: Date.parse('2026-11-22T06:10:00Z') };
  const live = createLiveConnection({
    url: () => 'ws://console/api/v1/live?token=t',
    storage,
    WebSocketImpl: FakeSocket,
    timers,
    now: () => clock.wall,
    random: () => 0.5,
    isKnown: (id: string) => (opts.known ?? []).includes(id),
    onFrame: (f: { type: string; replayed?: boolean }) => frames.push(f),
    onStatus: (s: { state: string; resumed: boolean; missed: number }) => statuses.push(s),
    onUnauthorized: () => unauthorized++,
  });
  return { live, sockets, timers, storage, frames, statuses, clock, unauthorized: () => unauthorized };
}

describe('live connection', () => {
  it('subscribes fresh without a stored cursor and keeps the cursor of every frame', () => {
    const { live, sockets, storage, statuses } = setup();
    live.start();
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([{ op: 'subscribe', filter: {} }]);
    sockets[0]!.frame({ type: 'subscribed', cursor: 'c0', scope: '140000' });
    expect(statuses.at(-1)).toMatchObject({ state: 'connected', resumed: false });
    sockets[0]!.frame({ type: 'hit', cursor: 'c1', hit: hit('h1', '2026-11-22T06:10:01Z') });
    sockets[0]!.frame({ type: 'heartbeat', at: '2026-11-22T06:10:10Z', cursor: 'c2' });
    expect(storage.getItem(CURSOR_KEY)).toBe('c2');
  });

  it('reconnects after a drop and resumes from the last cursor, counting the hits it missed', () => {
    const { live, sockets, timers, frames, statuses } = setup({ known: ['h-known'] });
    live.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: 'subscribed', cursor: 'c0', scope: '140000' });
    sockets[0]!.frame({ type: 'hit', cursor: 'c7', hit: hit('h1', '2026-11-22T06:09:00Z') });
    sockets[0]!.drop();
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting' });
    expect(sockets).toHaveLength(1);
    timers.advance(backoffDelay(0, () => 0.5));
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    expect(sockets[1]!.sent).toEqual([{ op: 'subscribe', filter: {}, resumeFrom: 'c7' }]);
    sockets[1]!.frame({ type: 'subscribed', cursor: 'c7', scope: '140000' });
    sockets[1]!.frame({ type: 'hit', cursor: 'c8', hit: hit('h2', '2026-11-22T06:09:30Z') });
    sockets[1]!.frame({ type: 'hit', cursor: 'c9', hit: hit('h-known', '2026-11-22T06:09:40Z') });
    sockets[1]!.frame({ type: 'hit.updated', cursor: 'c10', hit: { ...hit('h1', '2026-11-22T06:09:00Z'), version: 2 } });
    expect(statuses.at(-1)).toMatchObject({ state: 'connected', resumed: true, missed: 1 });
    expect(frames.map((f) => [f.type, f.replayed])).toEqual([
      ['hit', false],
      ['hit', true],
      ['hit', false],
      ['hit.updated', false],
    ]);
  });

  it('resumes after a page reload from the cursor kept in session storage', () => {
    const { live, sockets } = setup({ cursor: 'c-before-reload' });
    live.start();
    sockets[0]!.open();
    expect(sockets[0]!.sent[0]).toMatchObject({ resumeFrom: 'c-before-reload' });
  });

  it('treats a silent link as dead and reconnects without waiting for the browser', () => {
    const { live, sockets, timers } = setup();
    live.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: 'subscribed', cursor: 'c0', scope: '140000' });
    timers.advance(SILENCE_LIMIT_MS - 1);
    expect(sockets[0]!.closed).toBe(false);
    timers.advance(1);
    expect(sockets[0]!.closed).toBe(true);
    timers.advance(backoffDelay(0, () => 0.5));
    expect(sockets).toHaveLength(2);
  });

  it('stops and reports a sign-out when the server closes with 4001 (token expired)', () => {
    const { live, sockets, timers, statuses, unauthorized } = setup();
    live.start();
    sockets[0]!.open();
    sockets[0]!.drop(4001);
    timers.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(statuses.at(-1)).toMatchObject({ state: 'unauthorized' });
    expect(unauthorized()).toBe(1);
  });

  it('starts over from now when the server does not know the stored cursor', () => {
    const { live, sockets, storage } = setup({ cursor: 'stale' });
    live.start();
    sockets[0]!.open();
    sockets[0]!.frame({ type: 'error', code: 'invalid_cursor', message: 'resumeFrom is not a cursor this service issued' });
    expect(sockets[0]!.sent.at(-1)).toEqual({ op: 'subscribe', filter: {} });
    expect(storage.getItem(CURSOR_KEY)).toBeNull();
  });

  it('backs off from half a second up to fifteen seconds', () => {
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(15_000);
    expect(backoffDelay(20, () => 0)).toBe(7500);
  });

  it('ignores frames that are not JSON objects with a type', () => {
    const { live, sockets, frames } = setup();
    live.start();
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: 'not json' });
    sockets[0]!.onmessage?.({ data: '[1,2]' });
    sockets[0]!.frame({ type: 'hit', cursor: 'c1' });
    expect(frames).toEqual([]);
  });
});
