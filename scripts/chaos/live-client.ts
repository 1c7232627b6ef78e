import WebSocket from 'ws';

/**
 * A command-centre console on the live feed for the whole run: it logs in through the console's token
 * endpoint, subscribes, records every hit frame by hitId, and after any disconnect (console killed,
 * restarted) reconnects and resumes from the last cursor it was given, as docs/CONSOLE-API.md promises
 * ("resuming from a cursor delivers every hit since, once").
 */
export interface ReceivedFrame {
  type: 'hit' | 'hit.updated';
  hitId: string;
  version: number;
  detectedAt: string;
  receivedAt: number;
}

export interface LiveRecorder {
  frames: ReceivedFrame[];
  /** Cursor of the first subscription (before any hit of the run). */
  firstCursor(): string | undefined;
  cursor(): string | undefined;
  connected(): boolean;
  /** Connections made (1 + reconnects). */
  connections(): number;
  /** When the last `subscribed` frame arrived. */
  lastSubscribedAt(): number;
  errors: Array<{ at: number; code: string; message: string }>;
  close(): Promise<void>;
}

export interface LiveRecorderOptions {
  consoleUrl: string;
  username: string;
  password: string;
  log: (m: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Logs in at the console (`POST /api/v1/auth/token`). */
export async function consoleToken(consoleUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${consoleUrl}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`console login ${username}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export function liveUrl(consoleUrl: string, token: string): string {
  return `${consoleUrl.replace(/^http/, 'ws')}/api/v1/live?token=${encodeURIComponent(token)}`;
}

interface WireFrame {
  type: string;
  cursor?: string;
  hit?: { hitId: string; version: number; detectedAt: string };
  code?: string;
  message?: string;
}

export async function startLiveRecorder(o: LiveRecorderOptions): Promise<LiveRecorder> {
  const frames: ReceivedFrame[] = [];
  const errors: LiveRecorder['errors'] = [];
  let token: string | undefined;
  let cursor: string | undefined;
  let first: string | undefined;
  let ws: WebSocket | undefined;
  let isOpen = false;
  let connections = 0;
  let subscribedAt = 0;
  let stopped = false;
  let firstSubscribed!: () => void;
  const subscribedOnce = new Promise<void>((r) => (firstSubscribed = r));

  const connectOnce = async (): Promise<void> => {
    if (!token) token = await consoleToken(o.consoleUrl, o.username, o.password);
    const sock = new WebSocket(liveUrl(o.consoleUrl, token));
    ws = sock;
    await new Promise<void>((resolve, reject) => {
      sock.once('open', () => resolve());
      sock.once('error', reject);
      sock.once('unexpected-response', (_req, res) => {
        if (res.statusCode === 401) token = undefined;
        reject(new Error(`live feed answered HTTP ${res.statusCode}`));
      });
    });
    connections++;
    isOpen = true;
    sock.on('message', (raw: Buffer) => {
      let f: WireFrame;
      try {
        f = JSON.parse(raw.toString('utf8')) as WireFrame;
      } catch {
        return;
      }
      if ((f.type === 'hit' || f.type === 'hit.updated') && f.hit) {
        frames.push({ type: f.type, hitId: f.hit.hitId, version: f.hit.version, detectedAt: f.hit.detectedAt, receivedAt: Date.now() });
      } else if (f.type === 'subscribed') {
        subscribedAt = Date.now();
        first ??= f.cursor;
        firstSubscribed();
      } else if (f.type === 'error') {
        errors.push({ at: Date.now(), code: f.code ?? '?', message: f.message ?? '' });
        if (f.code === 'token_invalid') token = undefined;
      }
      if (f.cursor && f.type !== 'subscribed') cursor = f.cursor;
      else if (f.type === 'subscribed' && f.cursor && !cursor) cursor = f.cursor;
    });
    sock.send(JSON.stringify({ op: 'subscribe', filter: {}, ...(cursor ? { resumeFrom: cursor } : {}) }));
    await new Promise<void>((r) => sock.once('close', () => r()));
    isOpen = false;
  };

  const loop = async () => {
    let told = 0;
    while (!stopped) {
      const before = connections;
      try {
        await connectOnce();
      } catch (err) {
        if (stopped) break;
        // Once per outage, not once per attempt.
        if (connections > 0 && told !== connections) {
          told = connections;
          o.log(`live client: ${err instanceof Error ? err.message : String(err)}; reconnecting`);
        }
      }
      if (connections > before) told = 0;
      if (!stopped) await sleep(300);
    }
  };
  const running = loop();
  await Promise.race([subscribedOnce, sleep(60_000).then(() => Promise.reject(new Error('live client never subscribed')))]);
  return {
    frames,
    errors,
    firstCursor: () => first,
    cursor: () => cursor,
    connected: () => isOpen,
    connections: () => connections,
    lastSubscribedAt: () => subscribedAt,
    async close() {
      stopped = true;
      ws?.close();
      await running;
    },
  };
}
