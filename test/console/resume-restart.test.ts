import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { createHitProducer, liveClient, newHit, sleep, startConsole, tokenFor, type RunningConsole } from './console-harness';

const cp = 'CP-140100-G5-03';
const at = (n: number) => newHit({ checkpointId: cp, jurisdictions: ['140100', '140000'], summary: { zh: `第${n}`, en: `#${n}` } });
const ids = (fs: Array<{ hit?: { hitId: string } }>) => fs.map((f) => f.hit!.hitId);

describe('live feed resume across console restarts', () => {
  let ns: Namespace;
  let hits: Awaited<ReturnType<typeof createHitProducer>>;
  const running: RunningConsole[] = [];
  const commander = tokenFor('commander', '140000');
  const start = async (env: Record<string, string> = {}) => {
    const c = await startConsole(ns, { INSTANCE_ID: `console-${running.length}`, HEARTBEAT_MS: '500', ...env });
    running.push(c);
    return c;
  };

  beforeAll(async () => {
    ns = await createNamespace('resume');
    hits = await createHitProducer(ns);
  });
  afterAll(async () => {
    for (const c of running) await c.svc.stop().catch(() => undefined);
    await hits?.close();
    await ns?.cleanup();
  });

  it('delivers every hit since the cursor exactly once after the console was stopped and a new one built', async () => {
    const first = await start();
    const seen = await liveClient(first.wsUrl, commander);
    const early = [at(1), at(2)];
    await hits.produce(early);
    await eventually('two hits', () => (seen.hits().length >= 2 ? true : undefined));
    const cursor = seen.hits().at(-1)!.cursor!;
    const afterCursorBeforeStop = [at(3), at(4)];
    await hits.produce(afterCursorBeforeStop);
    await eventually('four hits', () => (seen.hits().length >= 4 ? true : undefined));
    await first.svc.stop();
    await seen.closed;

    const whileDown = [at(5), at(6), at(7)];
    await hits.produce(whileDown);
    // Three versions of one hit (same key, same partition): they must arrive in version order.
    const repeated = at(8);
    const v = (n: number) => ({ ...repeated, version: n, evidence: [...repeated.evidence, ...Array.from({ length: n - 1 }, (_, i) => ({ ...repeated.evidence[0]!, eventId: `ev-repeat-${i}` }))] });
    await hits.produce([v(1)]);
    await hits.produce([v(2)]);
    await hits.produce([v(3)]);
    const second = await start();
    const resumed = await liveClient(second.wsUrl, commander, { filter: {}, resumeFrom: cursor });
    const expected = [...afterCursorBeforeStop, ...whileDown].map((h) => h.hitId);
    await eventually('the hits since the cursor', () => (resumed.hits().length >= expected.length + 3 ? true : undefined), 10_000);
    await sleep(500);
    const others = resumed.hits().filter((f) => f.hit!.hitId !== repeated.hitId);
    expect(ids(others).sort()).toEqual([...expected].sort());
    expect(resumed.hits().filter((f) => f.hit!.hitId === repeated.hitId).map((f) => [f.type, f.hit!.version])).toEqual([['hit', 1], ['hit.updated', 2], ['hit.updated', 3]]);
    resumed.ws.close();
  });

  it('serves a cursor older than the frames kept in memory from Kafka, still exactly once', async () => {
    const small = await start({ LIVE_LOG_MAX_FRAMES: '2' });
    const c = await liveClient(small.wsUrl, commander, { filter: { checkpointIds: ['CP-530630-G85-03'] } });
    const yn = (n: number) => newHit({ checkpointId: 'CP-530630-G85-03', jurisdictions: ['530630', '530600', '530000', '140000'], summary: { zh: `${n}`, en: `${n}` } });
    const a = yn(1);
    await hits.produce([a]);
    await eventually('the first', () => (c.hits().length >= 1 ? true : undefined));
    const cursor = c.hits()[0]!.cursor!;
    c.ws.close();
    const rest = Array.from({ length: 12 }, (_, i) => yn(i + 2));
    for (const h of rest) await hits.produce([h]);
    // Plenty of other traffic so the two kept frames are long past the cursor.
    await hits.produce(Array.from({ length: 20 }, () => newHit({ checkpointId: 'CP-140802-G5-02', jurisdictions: ['140802', '140800', '140000'] })));
    await sleep(500);
    const r = await liveClient(small.wsUrl, commander, { filter: { checkpointIds: ['CP-530630-G85-03'] }, resumeFrom: cursor });
    await eventually('all twelve', () => (r.hits().length >= 12 ? true : undefined), 15_000);
    await sleep(500);
    expect(ids(r.hits())).toEqual(rest.map((h) => h.hitId));
    expect(r.frames.some((f) => f.type === 'error')).toBe(false);
    // And the cursors it hands out keep working on a fresh instance.
    const last = r.hits().at(-1)!.cursor!;
    r.ws.close();
    const fresh = await start();
    const tail = yn(99);
    await hits.produce([tail]);
    const r2 = await liveClient(fresh.wsUrl, commander, { filter: { checkpointIds: ['CP-530630-G85-03'] }, resumeFrom: last });
    await eventually('only the newest', () => (r2.hits().length >= 1 ? true : undefined));
    await sleep(500);
    expect(ids(r2.hits())).toEqual([tail.hitId]);
    r2.ws.close();
  });
});
