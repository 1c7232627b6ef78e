import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit } from '../../schemas/src';
import { readAll } from '../gateway/gateway-harness';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { createHitProducer, liveClient, newHit, sleep, startConsole, tokenFor, type RunningConsole } from './console-harness';

describe('hit workflow across consoles', () => {
  let ns: Namespace;
  let a: RunningConsole;
  let b: RunningConsole;
  let hits: Awaited<ReturnType<typeof createHitProducer>>;
  const commander = tokenFor('commander', '140000');
  const act = (con: RunningConsole, hitId: string, body: Record<string, unknown>, token = commander) =>
    con.svc.app.inject({ method: 'POST', url: `/api/v1/hits/${hitId}/actions`, headers: { authorization: `Bearer ${token}` }, payload: body });
  const known = (con: RunningConsole, hitId: string, pred: (h: Hit) => boolean = () => true) => eventually(`hit ${hitId} on ${con.svc.audit.chainId}`, () => {
    const h = con.svc.store.get(hitId);
    return h && pred(h) ? h : undefined;
  });

  beforeAll(async () => {
    ns = await createNamespace('workflow');
    hits = await createHitProducer(ns);
    const env = { ESCALATE_AFTER_MS: '1500', ESCALATION_SCAN_MS: '200', HEARTBEAT_MS: '1000' };
    [a, b] = await Promise.all([startConsole(ns, { ...env, INSTANCE_ID: 'console-a' }), startConsole(ns, { ...env, INSTANCE_ID: 'console-b' })]);
  });
  afterAll(async () => {
    await a?.svc.stop();
    await b?.svc.stop();
    await hits?.close();
    await ns?.cleanup();
  });

  it('shows an acknowledgement made on one console to a watcher on another, and refuses a stale version', async () => {
    const watcher = await liveClient(b.wsUrl, commander);
    const hit = newHit({ severity: 'high' });
    await hits.produce([hit]);
    await known(a, hit.hitId);
    const ok = await act(a, hit.hitId, { action: 'acknowledge', expectedVersion: 1, note: 'on it' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().hit).toMatchObject({ status: 'acknowledged', version: 2 });
    expect(ok.json().hit.history.at(-1)).toMatchObject({ action: 'acknowledge', by: 'commander-140000', note: 'on it', version: 2 });
    await eventually('the update on the other console’s feed', () => (watcher.frames.some((f) => f.type === 'hit.updated' && f.hit!.hitId === hit.hitId && f.hit!.status === 'acknowledged' && f.hit!.version === 2) ? true : undefined));
    const stale = await act(b, hit.hitId, { action: 'assign', expectedVersion: 1, assignee: 'squad-1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const impossible = await act(b, hit.hitId, { action: 'acknowledge', expectedVersion: 2 });
    expect(impossible.statusCode).toBe(409);
    expect(impossible.json().code).toBe('invalid_transition');
    const resolved = await act(b, hit.hitId, { action: 'resolve', expectedVersion: 2, disposition: 'false_positive', note: 'plate misread' });
    expect(resolved.json().hit).toMatchObject({ status: 'resolved', disposition: 'false_positive', version: 3 });
    expect((await known(a, hit.hitId, (h) => h.version === 3)).status).toBe('resolved');
    watcher.ws.close();
  });

  it('lets exactly one of two simultaneous conflicting actions through, and both consoles agree on the result', async () => {
    const hit = newHit({ severity: 'medium' });
    await hits.produce([hit]);
    await Promise.all([known(a, hit.hitId), known(b, hit.hitId)]);
    const [ra, rb] = await Promise.all([act(a, hit.hitId, { action: 'assign', expectedVersion: 1, assignee: 'squad-a' }), act(b, hit.hitId, { action: 'assign', expectedVersion: 1, assignee: 'squad-b' })]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
    const winner = (ra.statusCode === 200 ? ra : rb).json().hit as Hit;
    const onA = await known(a, hit.hitId, (h) => h.version === 2);
    const onB = await known(b, hit.hitId, (h) => h.version === 2);
    expect(onA.assignee).toBe(winner.assignee);
    expect(onB).toEqual(onA);
    // When both got past their own version check, the log decided; the loser then wrote a repair copy of
    // the winner, so the last record of the hit (what Elasticsearch keeps) carries the winner's state.
    const loser = (ra.statusCode === 409 ? ra : rb).json();
    const records = (await readAll(ns, ns.topics.hitUpdates, 1)).filter((r) => r.key === hit.hitId);
    const decidedByLog = records.filter((r) => r.headers.kind === 'action').length === 2;
    expect(loser.detail).toMatch(decidedByLog ? /same moment/ : /version 2/);
    expect(records.at(-1)!.headers.kind).toBe(decidedByLog ? 'repair' : 'action');
    expect(JSON.parse(records.at(-1)!.value)).toMatchObject({ assignee: winner.assignee, version: 2 });
  });

  it('keeps the workflow state when the rules service later adds evidence to the hit', async () => {
    const hit = newHit({ severity: 'high' });
    await hits.produce([hit]);
    await known(a, hit.hitId);
    expect((await act(a, hit.hitId, { action: 'acknowledge', expectedVersion: 1 })).statusCode).toBe(200);
    const repeat: Hit = { ...hit, version: 2, evidence: [...hit.evidence, { ...hit.evidence[0]!, eventId: 'ev-repeat' }], history: [...hit.history, { at: new Date().toISOString(), by: 'rules', action: 'updated', version: 2 }] };
    await hits.produce([repeat]);
    for (const con of [a, b]) {
      const h = await known(con, hit.hitId, (x) => x.evidence.length === 2);
      expect(h).toMatchObject({ status: 'acknowledged', version: 3 });
    }
    const records = (await readAll(ns, ns.topics.hitUpdates, 1)).filter((r) => r.key === hit.hitId);
    expect(records.some((r) => r.headers.kind === 'repair' && JSON.parse(r.value).version === 3 && JSON.parse(r.value).status === 'acknowledged')).toBe(true);
  });

  it('lets officers acknowledge only their own checkpoint’s hits, and nobody act outside their scope or role', async () => {
    const hit = newHit({ severity: 'high', checkpointId: 'CP-140882-G5-01', jurisdictions: ['140882', '140800', '140000'] });
    await hits.produce([hit]);
    await known(a, hit.hitId);
    const own = tokenFor('officer', '140882', 'CP-140882-G5-01');
    const other = tokenFor('officer', '140802', 'CP-140802-G5-02');
    expect((await act(a, hit.hitId, { action: 'acknowledge', expectedVersion: 1 }, other)).statusCode).toBe(403);
    expect((await act(a, hit.hitId, { action: 'acknowledge', expectedVersion: 1 }, tokenFor('commander', '530000'))).json().code).toBe('out_of_scope');
    expect((await act(a, hit.hitId, { action: 'acknowledge', expectedVersion: 1 }, tokenFor('investigator', '140000'))).statusCode).toBe(403);
    expect((await act(a, hit.hitId, { action: 'assign', expectedVersion: 1, assignee: 'me' }, own)).json().code).toBe('forbidden');
    expect((await act(a, hit.hitId, { action: 'acknowledge', expectedVersion: 1 }, own)).statusCode).toBe(200);
    expect((await act(a, 'no-such-hit', { action: 'acknowledge', expectedVersion: 1 })).statusCode).toBe(404);
    expect((await act(a, hit.hitId, { action: 'resolve', expectedVersion: 2 })).json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/disposition' }] });
  });

  it('escalates a critical hit nobody acknowledged, once, although two consoles watch it', async () => {
    const prefecture = await liveClient(a.wsUrl, tokenFor('commander', '140800'), { filter: { severities: ['critical'] } });
    const hit = newHit({ severity: 'critical', checkpointId: 'CP-140882-G5-01', jurisdictions: ['140882'] });
    await hits.produce([hit]);
    // The prefecture sees its counties' hits anyway; escalation tells it this one needs its attention.
    await eventually('the prefecture sees the new hit', () => (prefecture.hits().some((f) => f.hit!.hitId === hit.hitId && f.type === 'hit') ? true : undefined));
    const escalated = await known(a, hit.hitId, (h) => h.history.some((x) => x.action === 'escalate'));
    expect(escalated.jurisdictions).toEqual(['140882', '140800']);
    expect(escalated.history.at(-1)).toMatchObject({ action: 'escalate', by: 'system:escalation', version: 2 });
    await eventually('the prefecture is told of the escalation', () => (prefecture.hits().some((f) => f.hit!.hitId === hit.hitId && f.type === 'hit.updated' && f.hit!.history.some((x) => x.action === 'escalate')) ? true : undefined));
    await sleep(2_000);
    for (const con of [a, b]) {
      const h = con.svc.store.get(hit.hitId)!;
      expect(h.history.filter((x) => x.action === 'escalate')).toHaveLength(1);
      expect(h.version).toBe(2);
    }
    // An acknowledged critical hit is left alone.
    const acked = newHit({ severity: 'critical', jurisdictions: ['140882'] });
    await hits.produce([acked]);
    await known(a, acked.hitId);
    expect((await act(a, acked.hitId, { action: 'acknowledge', expectedVersion: 1 })).statusCode).toBe(200);
    await sleep(2_500);
    expect(a.svc.store.get(acked.hitId)!.history.some((x) => x.action === 'escalate')).toBe(false);
    prefecture.ws.close();
  });

  it('lists hits in scope newest first with paging, and shows one with its evidence', async () => {
    const list = async (query: string, token = commander) => (await a.svc.app.inject({ method: 'GET', url: `/api/v1/hits?${query}`, headers: { authorization: `Bearer ${token}` } })).json();
    const all = await list('limit=500');
    expect(all.total).toBeGreaterThanOrEqual(5);
    const times = all.items.map((h: Hit) => Date.parse(h.detectedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const page1 = await list('limit=2');
    const page2 = await list(`limit=2&after=${page1.next}`);
    expect(page2.items[0].hitId).toBe(all.items[2].hitId);
    expect((await list('status=resolved')).items.every((h: Hit) => h.status === 'resolved')).toBe(true);
    expect((await list('limit=500', tokenFor('commander', '530000'))).total).toBe(0);
    const officer = await list('limit=500', tokenFor('officer', '140882', 'CP-140882-G5-01'));
    expect(officer.items.every((h: Hit) => h.checkpointId === 'CP-140882-G5-01')).toBe(true);
    expect(officer.items.every((h: Hit) => h.subject.key.includes('*'))).toBe(true);
    const one = await a.svc.app.inject({ method: 'GET', url: `/api/v1/hits/${all.items[0].hitId}`, headers: { authorization: `Bearer ${commander}` } });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ hit: { hitId: all.items[0].hitId }, events: [] });
  });
});
