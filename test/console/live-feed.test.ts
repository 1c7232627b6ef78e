import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { createHitProducer, liveClient, newHit, sleep, startConsole, tokenFor, upgradeStatus, type RunningConsole } from './console-harness';

const hitIds = (frames: Array<{ hit?: { hitId: string } }>) => frames.map((f) => f.hit!.hitId);

describe('live feed: delivery, scope, resume, heartbeats, bad frames', () => {
  let ns: Namespace;
  let con: RunningConsole;
  let hits: Awaited<ReturnType<typeof createHitProducer>>;
  const commander = tokenFor('commander', '140000');

  beforeAll(async () => {
    ns = await createNamespace('live');
    hits = await createHitProducer(ns);
    con = await startConsole(ns, { HEARTBEAT_MS: '300', INSTANCE_ID: 'console-a' });
  });
  afterAll(async () => {
    await con?.svc.stop();
    await hits?.close();
    await ns?.cleanup();
  });

  it('delivers a new hit to a subscribed commander once it is committed', async () => {
    const c = await liveClient(con.wsUrl, commander);
    const hit = newHit();
    await hits.produce([hit]);
    // How fast is the benchmark's time-to-alert (`npm run bench`), not a wall-clock bound here: that fails on a loaded machine.
    await eventually('the hit frame', () => (c.hits().some((f) => f.hit!.hitId === hit.hitId) ? true : undefined), 5_000, 5);
    const f = c.hits().find((x) => x.hit!.hitId === hit.hitId)!;
    expect(f.type).toBe('hit');
    expect(typeof f.cursor).toBe('string');
    expect(f.hit).toMatchObject({ hitId: hit.hitId, version: 1, status: 'new' });
    c.ws.close();
  });

  it('sends an officer only their own checkpoint’s hits and each commander only their subtree, whatever the client asks', async () => {
    const officer = await liveClient(con.wsUrl, tokenFor('officer', '140882', 'CP-140882-G5-01'));
    const otherOfficer = await liveClient(con.wsUrl, tokenFor('officer', '140802', 'CP-140802-G5-02'));
    const yuncheng = await liveClient(con.wsUrl, tokenFor('commander', '140800'));
    const yunnan = await liveClient(con.wsUrl, tokenFor('commander', '530000'), { filter: {} });
    // A client naming a jurisdiction outside its token is refused, not widened.
    const sneaky = await liveClient(con.wsUrl, tokenFor('commander', '530000'), false);
    sneaky.send({ op: 'subscribe', filter: { jurisdiction: '140000' } });
    await eventually('the refusal', () => (sneaky.frames.some((f) => f.type === 'error' && f.code === 'out_of_scope') ? true : undefined));
    expect(sneaky.frames.some((f) => f.type === 'subscribed')).toBe(false);

    const atHejin = newHit({ checkpointId: 'CP-140882-G5-01', jurisdictions: ['140882', '140800', '140000'] });
    const atYunchengNorth = newHit({ checkpointId: 'CP-140802-G5-02', jurisdictions: ['140802', '140800', '140000'] });
    const crossRegion = newHit({ checkpointId: 'CP-140882-G5-01', jurisdictions: ['140882', '140800', '140000', '530600', '530000'] });
    await hits.produce([atHejin, atYunchengNorth, crossRegion]);
    await eventually('Yuncheng sees all three', () => (yuncheng.hits().length >= 3 ? true : undefined));
    await eventually('Yunnan sees the cross-region hit', () => (yunnan.hits().length >= 1 ? true : undefined));
    await sleep(500);
    expect(hitIds(officer.hits()).sort()).toEqual([atHejin.hitId, crossRegion.hitId].sort());
    expect(hitIds(otherOfficer.hits())).toEqual([atYunchengNorth.hitId]);
    expect(hitIds(yunnan.hits())).toEqual([crossRegion.hitId]);
    expect(sneaky.hits()).toEqual([]);
    for (const c of [officer, otherOfficer, yuncheng, yunnan, sneaky]) c.ws.close();
  });

  it('filters by severity, category and checkpoint on request', async () => {
    const c = await liveClient(con.wsUrl, commander, { filter: { severities: ['critical'], categories: ['fugitive'], checkpointIds: ['CP-140100-G5-03'] } });
    const wanted = newHit({ checkpointId: 'CP-140100-G5-03', jurisdictions: ['140100', '140000'] });
    await hits.produce([newHit({ severity: 'high', checkpointId: 'CP-140100-G5-03', jurisdictions: ['140100', '140000'] }), newHit({ category: 'case_vehicle', checkpointId: 'CP-140100-G5-03', jurisdictions: ['140100', '140000'] }), newHit(), wanted]);
    await eventually('the wanted hit', () => (c.hits().length >= 1 ? true : undefined));
    await sleep(300);
    expect(hitIds(c.hits())).toEqual([wanted.hitId]);
    c.ws.close();
  });

  it('resumes after a disconnect with every hit since the cursor, once, in order', async () => {
    const first = await liveClient(con.wsUrl, commander, { filter: { checkpointIds: ['CP-140321-G20-01'] } });
    const at = (n: number) => newHit({ checkpointId: 'CP-140321-G20-01', jurisdictions: ['140321', '140300', '140000'], summary: { zh: `第${n}`, en: `#${n}` } });
    const before = at(0);
    await hits.produce([before]);
    await eventually('the first hit', () => (first.hits().length === 1 ? true : undefined));
    const cursor = first.hits()[0]!.cursor!;
    first.ws.close();
    await first.closed;

    const missed = [at(1), at(2), at(3), at(4), at(5)];
    await hits.produce(missed.slice(0, 3));
    await hits.produce(missed.slice(3));
    await sleep(300);
    const resumed = await liveClient(con.wsUrl, commander, { filter: { checkpointIds: ['CP-140321-G20-01'] }, resumeFrom: cursor });
    await eventually('the missed hits', () => (resumed.hits().length >= 5 ? true : undefined));
    const later = at(6);
    await hits.produce([later]);
    await eventually('the live one after the replay', () => (resumed.hits().length >= 6 ? true : undefined));
    await sleep(300);
    // Same key → same partition for the ones produced together; across partitions only per-partition order is promised.
    expect(hitIds(resumed.hits()).sort()).toEqual([...missed, later].map((h) => h.hitId).sort());
    expect(hitIds(resumed.hits()).at(-1)).toBe(later.hitId);
    // Resuming from the last cursor now yields nothing more.
    const again = await liveClient(con.wsUrl, commander, { filter: { checkpointIds: ['CP-140321-G20-01'] }, resumeFrom: resumed.hits().at(-1)!.cursor });
    await sleep(500);
    expect(again.hits()).toEqual([]);
    resumed.ws.close();
    again.ws.close();
  });

  it('sends heartbeats with a cursor that resumes exactly where the client is', async () => {
    const c = await liveClient(con.wsUrl, commander, { filter: { checkpointIds: ['CP-150602-G18-01'] } });
    await eventually('a heartbeat', () => (c.frames.some((f) => f.type === 'heartbeat') ? true : undefined), 3_000, 20);
    const hb = c.frames.find((f) => f.type === 'heartbeat')!;
    expect(Date.parse(hb.at!)).toBeGreaterThan(Date.now() - 5_000);
    c.ws.close();
    const next = newHit({ checkpointId: 'CP-150602-G18-01', jurisdictions: ['150602', '150600', '150000'] });
    await hits.produce([next]);
    const inner = await liveClient(con.wsUrl, tokenFor('commander', '000000'), { filter: { checkpointIds: ['CP-150602-G18-01'] }, resumeFrom: hb.cursor });
    await eventually('the hit after the heartbeat', () => (inner.hits().length >= 1 ? true : undefined));
    await sleep(300);
    expect(hitIds(inner.hits())).toEqual([next.hitId]);
    inner.ws.close();
  });

  it('answers bad frames with an error frame and keeps serving the connection', async () => {
    const c = await liveClient(con.wsUrl, commander);
    c.send('{not json');
    c.send({ op: 'subscribe', filter: { severities: ['apocalyptic'] } });
    c.send({ op: 'subscribe', filter: {}, resumeFrom: 'forged-cursor' });
    c.send({ op: 'explode' });
    c.ws.send(Buffer.from([0, 1, 2]), { binary: true });
    await eventually('five errors', () => (c.frames.filter((f) => f.type === 'error').length >= 5 ? true : undefined));
    expect(c.frames.filter((f) => f.type === 'error').map((f) => f.code)).toEqual(['malformed_json', 'validation_failed', 'invalid_cursor', 'validation_failed', 'malformed_json']);
    const hit = newHit();
    await hits.produce([hit]);
    await eventually('still live', () => (c.hits().some((f) => f.hit!.hitId === hit.hitId) ? true : undefined));
    c.send({ op: 'ping' });
    await eventually('an answer to ping', () => (c.frames.filter((f) => f.type === 'heartbeat').length >= 1 ? true : undefined));
    c.ws.close();
  });

  it('refuses the upgrade without a valid token (401) or for a role without the live feed (403)', async () => {
    expect(await upgradeStatus(con.wsUrl, '')).toBe(401);
    expect(await upgradeStatus(con.wsUrl, '?token=garbage')).toBe(401);
    expect(await upgradeStatus(con.wsUrl, `?token=${tokenFor('auditor', '140000')}`)).toBe(403);
    expect(await upgradeStatus(con.wsUrl, `?token=${tokenFor('commander', '140000')}`)).toBe(101);
  });
});
