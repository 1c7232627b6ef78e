// The live hit feed over `GET /api/v1/live`: subscribes, keeps the last cursor in sessionStorage, and on
// any drop reconnects with backoff and resumes from that cursor, so the shift never misses a hit — also
// across a page reload. Reports how many hits it caught up on after a resume.

export const CURSOR_KEY = 'console.live.cursor';
/** The server sends a heartbeat every 10 s; three missed ones mean the link is dead even if TCP says not. */
export const SILENCE_LIMIT_MS = 35_000;
const CLOSE_UNAUTHORIZED = 4001;

/** Reconnect delay: 0.5 s doubling to 15 s, with jitter so a restarted console is not hit all at once. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(15_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** The frame as an object with a string `type`, or null (never trust the wire). */
export function parseFrame(data) {
  if (typeof data !== 'string') return null;
  try {
    const f = JSON.parse(data);
    return f && typeof f === 'object' && typeof f.type === 'string' ? f : null;
  } catch {
    return null;
  }
}

/**
 * Creates the connection (not started). Deps:
 * - `url()` → the WebSocket URL (with `?token=`, since browsers cannot send headers on an upgrade)
 * - `storage` (sessionStorage), `WebSocketImpl`, `timers` ({setTimeout, clearTimeout}), `now()`, `random()`
 * - `onFrame(frame)` for hit, hit.updated, error and dropped frames; `onStatus(status)`; `onUnauthorized()`
 * - `isKnown(hitId)` so hits already shown are not counted as missed
 * Status: `{state: idle|connecting|connected|reconnecting|unauthorized|stopped, resumed, missed, attempt, scope}`.
 */
export function createLiveConnection(deps) {
  const WS = deps.WebSocketImpl ?? globalThis.WebSocket;
  const timers = deps.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (id) => clearTimeout(id) };
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const filter = deps.filter ?? {};
  let ws = null;
  let stopped = true;
  let attempt = 0;
  let everConnected = false;
  let reconnectTimer;
  let silenceTimer;
  let resuming = false;
  let subscribedAt = 0;
  let status = { state: 'idle', resumed: false, missed: 0, attempt: 0, scope: undefined };

  const setStatus = (patch) => {
    status = { ...status, ...patch };
    deps.onStatus?.(status);
  };
  const cursor = () => deps.storage.getItem(CURSOR_KEY) || undefined;
  const saveCursor = (c) => {
    if (typeof c === 'string' && c.length > 0) deps.storage.setItem(CURSOR_KEY, c);
  };

  const subscribe = (socket) => {
    const resumeFrom = cursor();
    resuming = Boolean(resumeFrom);
    socket.send(JSON.stringify({ op: 'subscribe', filter, ...(resumeFrom ? { resumeFrom } : {}) }));
  };

  const watchSilence = (socket) => {
    timers.clearTimeout(silenceTimer);
    silenceTimer = timers.setTimeout(() => {
      if (socket !== ws) return;
      try {
        socket.close(4000, 'silent');
      } catch {
        // Already closing.
      }
      // Browsers can take long to report the close of a dead link: do not wait for it.
      lost(socket, 4000);
    }, SILENCE_LIMIT_MS);
  };

  const handle = (socket, frame) => {
    switch (frame.type) {
      case 'subscribed':
        attempt = 0;
        everConnected = true;
        subscribedAt = now();
        saveCursor(frame.cursor);
        setStatus({ state: 'connected', resumed: resuming, missed: 0, attempt: 0, scope: frame.scope });
        return;
      case 'hit':
      case 'hit.updated': {
        if (!frame.hit || typeof frame.hit.hitId !== 'string') return;
        saveCursor(frame.cursor);
        const missed = resuming && frame.type === 'hit' && Date.parse(frame.hit.detectedAt) <= subscribedAt && !deps.isKnown?.(frame.hit.hitId);
        deps.onFrame?.({ ...frame, replayed: missed });
        if (missed) setStatus({ missed: status.missed + 1 });
        return;
      }
      case 'heartbeat':
        saveCursor(frame.cursor);
        return;
      case 'error':
        if (frame.code === 'invalid_cursor') {
          // A cursor from another deployment (or a wiped topic): start over from now; the list call fills in.
          deps.storage.removeItem(CURSOR_KEY);
          subscribe(socket);
        } else if (frame.code === 'replay_failed') {
          timers.setTimeout(() => socket === ws && subscribe(socket), backoffDelay(1, random));
        }
        deps.onFrame?.(frame);
        return;
      case 'dropped':
        deps.onFrame?.(frame);
        return;
      default:
    }
  };

  const connect = () => {
    reconnectTimer = undefined;
    if (stopped) return;
    const socket = new WS(deps.url());
    ws = socket;
    setStatus({ state: everConnected || attempt > 0 ? 'reconnecting' : 'connecting', attempt });
    socket.onopen = () => {
      if (socket !== ws) return;
      subscribe(socket);
      watchSilence(socket);
    };
    socket.onmessage = (ev) => {
      if (socket !== ws) return;
      watchSilence(socket);
      const frame = parseFrame(ev.data);
      if (frame) handle(socket, frame);
    };
    socket.onclose = (ev) => lost(socket, ev.code);
    // An error is always followed by a close; reconnecting is decided there.
    socket.onerror = () => {};
  };

  function lost(socket, code) {
    if (socket !== ws) return;
    ws = null;
    timers.clearTimeout(silenceTimer);
    if (stopped) return;
    if (code === CLOSE_UNAUTHORIZED) {
      stopped = true;
      setStatus({ state: 'unauthorized' });
      deps.onUnauthorized?.();
      return;
    }
    const delay = backoffDelay(attempt, random);
    attempt += 1;
    setStatus({ state: 'reconnecting', resumed: false, missed: 0, attempt });
    reconnectTimer = timers.setTimeout(connect, delay);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      connect();
    },
    /** Closes for good (sign-out); the stored cursor is kept unless `forget`. */
    stop({ forget = false } = {}) {
      stopped = true;
      timers.clearTimeout(reconnectTimer);
      timers.clearTimeout(silenceTimer);
      const socket = ws;
      ws = null;
      if (socket) {
        try {
          socket.close(1000, 'bye');
        } catch {
          // Never opened.
        }
      }
      if (forget) deps.storage.removeItem(CURSOR_KEY);
      setStatus({ state: 'stopped', resumed: false, missed: 0 });
    },
    /** Skips the backoff wait (the browser says it is online again). */
    reconnectNow() {
      if (stopped || ws || reconnectTimer === undefined) return;
      timers.clearTimeout(reconnectTimer);
      connect();
    },
    status: () => status,
  };
}
