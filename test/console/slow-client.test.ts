import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { createHitProducer, liveClient, newHit, startConsole, tokenFor, type RunningConsole } from './console-harness';

describe('live feed slow consumers', () => {
  let ns: Namespace;
  let con: RunningConsole;
  let hits: Awaited<ReturnType<typeof createHitProducer>>;

  beforeAll(async () => {
    ns = await createNamespace('slow');
    hits = await createHitProducer(ns);
    con = await startConsole(ns, { SLOW_CLIENT_BYTES: '65536', SLOW_CLIENT_GRACE_MS: '700', WS_CLOSE_GRACE_MS: '20000', HEARTBEAT_MS: '200' });
  });
  afterAll(async () => {
    await con?.svc.stop();
    await hits?.close();
    await ns?.cleanup();
  });

  it('drops a client that stops reading, telling it why, while another client gets every hit', async () => {
    const token = tokenFor('commander', '140000');
    const fast = await liveClient(con.wsUrl, token);
    const slow = await liveClient(con.wsUrl, token);
    slow.ws.pause();
    // ~60 KB frames (500 evidence entries each): the stalled client's socket buffers fill after a few hundred.
    const evidence = Array.from({ length: 500 }, (_, i) => ({ eventId: `ev-${i}-${'x'.repeat(40)}`, type: 'inspection' as const, checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T14:03:11.250+08:00' }));
    const all = Array.from({ length: 400 }, () => newHit({ evidence }));
    for (let i = 0; i < all.length; i += 10) await hits.produce(all.slice(i, i + 10));
    await eventually('the fast client has every hit', () => (fast.hits().length >= all.length ? true : undefined), 30_000, 50);
    expect(new Set(fast.hits().map((f) => f.hit!.hitId)).size).toBe(all.length);
    const metrics = async () => (await con.svc.app.inject({ method: 'GET', url: '/metrics' })).body;
    await eventually('the slow client counted as dropped', async () => (/console_live_dropped_total\{[^}]*\} 1/.test(await metrics()) ? true : undefined), 10_000, 100);
    slow.ws.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(4008);
    const last = slow.frames.filter((f) => f.type !== 'heartbeat').at(-1);
    expect(last).toEqual({ type: 'dropped', reason: 'slow_consumer' });
    expect(slow.hits().length).toBeLessThan(all.length);
    fast.ws.close();
  });
});
