import WebSocket from 'ws';
import { consoleToken, liveUrl } from './live-client';

/**
 * A console on a link too slow for the feed: it subscribes from an old cursor (so the console replays
 * every hit of the run to it) and stops reading its socket. The console must drop it with a reason
 * (`{"type":"dropped","reason":"slow_consumer"}`, close 4008) and must not hold anyone else back.
 * While it is not yet dropped it asks for the replay again every `resubscribeMs` (a client retrying
 * its resume), so the unread backlog outgrows the kernel's socket buffers in a short run.
 */
export interface SlowClientOutcome {
  dropped: boolean;
  reason?: string;
  closeCode?: number;
  /** From the moment it stopped reading to the console counting it dropped. */
  droppedAfterMs?: number;
  subscribes: number;
  framesRead: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function droppedCount(consoleUrl: string): Promise<number> {
  try {
    const text = await (await fetch(`${consoleUrl}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    const m = /^console_live_dropped_total(?:\{[^}]*\})? (\d+)/m.exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return -1;
  }
}

export async function runSlowClient(o: { consoleUrl: string; username: string; password: string; resumeFrom: string; timeoutMs: number; resubscribeMs: number }): Promise<SlowClientOutcome> {
  const baseline = await droppedCount(o.consoleUrl);
  const token = await consoleToken(o.consoleUrl, o.username, o.password);
  const ws = new WebSocket(liveUrl(o.consoleUrl, token));
  const frames: Array<{ type: string; reason?: string }> = [];
  ws.on('message', (raw: Buffer) => {
    try {
      frames.push(JSON.parse(raw.toString('utf8')) as { type: string; reason?: string });
    } catch {
      /* not JSON */
    }
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.pause();
  const pausedAt = Date.now();
  let subscribes = 0;
  let droppedAt: number | undefined;
  while (Date.now() - pausedAt < o.timeoutMs) {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ op: 'subscribe', filter: {}, resumeFrom: o.resumeFrom }));
      subscribes++;
    }
    const until = Date.now() + o.resubscribeMs;
    while (Date.now() < until) {
      const n = await droppedCount(o.consoleUrl);
      if (baseline >= 0 && n > baseline) {
        droppedAt = Date.now();
        break;
      }
      await sleep(200);
    }
    if (droppedAt) break;
  }
  // Read what it was sent, down to the close frame.
  ws.resume();
  const code = await Promise.race([closed, sleep(15_000).then(() => undefined)]);
  if (code === undefined) ws.terminate();
  const last = frames.filter((f) => f.type !== 'heartbeat').at(-1);
  return {
    dropped: droppedAt !== undefined && last?.type === 'dropped',
    reason: last?.type === 'dropped' ? last.reason : undefined,
    closeCode: code,
    droppedAfterMs: droppedAt ? droppedAt - pausedAt : undefined,
    subscribes,
    framesRead: frames.length,
  };
}
