import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../lib/auth/tokens';
import { createAccountStore } from '../../lib/auth/accounts';
import { buildConsole, type ConsoleService } from '../../services/console/src/app';
import { loadConsoleConfig } from '../../services/console/src/config';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';
import { gatewayFor, SECRET } from '../gateway/gateway-harness';
import { DEMO_WATCHLIST, putWatchlist, rulesFor } from '../rules/rules-harness';
import type { RulesService } from '../../services/rules/src/app';
import type { Gateway } from '../../services/gateway/src/app';

const fugitive = readFileSync(DEMO_WATCHLIST, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; category: string }).find((w) => w.category === 'fugitive')!;
type Frame = { type: string; cursor?: string; hit?: { hitId: string; version: number; status: string; checkpointId: string; evidence: Array<{ eventId: string }> } };

/** A live-feed client that records every frame. */
async function client(url: string, token: string, sub: object): Promise<{ frames: Frame[]; ws: WebSocket; hits: () => Frame[] }> {
  const ws = new WebSocket(`${url}/api/v1/live?token=${encodeURIComponent(token)}`);
  const frames: Frame[] = [];
  ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString()) as Frame));
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  ws.send(JSON.stringify({ op: 'subscribe', ...sub }));
  await eventually('subscribed', () => (frames.some((f) => f.type === 'subscribed') ? true : undefined));
  return { frames, ws, hits: () => frames.filter((f) => f.type === 'hit' || f.type === 'hit.updated') };
}

describe('live console end to end: terminal → gateway → Kafka → rules → console WebSocket', () => {
  let ns: Namespace;
  let rules: RulesService;
  let gw: { gateway: Gateway; officerToken: string; tokenFor: (cp: string) => string };
  let indexer: Indexer;
  let consoleSvc: ConsoleService;
  let url: string;
  const tokens = createTokenService({ secret: SECRET });
  const commander = tokens.issue({ sub: 'cmd', role: 'commander', jur: '140000' }).token;
  const yunnanCommander = tokens.issue({ sub: 'cmd-yn', role: 'commander', jur: '530000' }).token;
  const guizhou = tokens.issue({ sub: 'cmd-gz', role: 'commander', jur: '520000' }).token;
  const investigator = tokens.issue({ sub: 'inv', role: 'investigator', jur: '140000' }).token;
  const officerOther = tokens.issue({ sub: 'o2', role: 'officer', jur: '530621', cp: 'CP-530621-G85-02' }).token;

  const startConsole = async () => {
    const c = buildConsole(loadConsoleConfig({ ...ns.env, AUTH_SECRET: SECRET, HEARTBEAT_MS: '500' }), { logger: ns.logger, kafka: ns.kafka, es: ns.es, tokens, accounts: createAccountStore([]) });
    await c.start();
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = c.app.server.address();
    return { c, url: `ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
  };
  const submit = async (ev: Record<string, unknown>) => {
    const res = await gw.gateway.app.inject({ method: 'POST', url: '/api/v1/events', headers: { authorization: `Bearer ${gw.officerToken}` }, payload: ev });
    expect(res.statusCode).toBe(202);
  };

  beforeAll(async () => {
    ns = await createNamespace('console');
    await putWatchlist(ns, readFileSync(DEMO_WATCHLIST, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
    rules = rulesFor(ns);
    await rules.start();
    indexer = buildIndexer(loadIndexerConfig(ns.env), { logger: ns.logger, kafka: ns.kafka });
    await indexer.start();
    gw = gatewayFor(ns);
    await gw.gateway.start();
    ({ c: consoleSvc, url } = await startConsole());
  });
  afterAll(async () => {
    await consoleSvc?.stop();
    await gw?.gateway.stop();
    await indexer?.stop();
    await rules?.stop();
    await ns?.cleanup();
  });

  it('delivers a planted hit to the right watchers within a second, never to another scope or another checkpoint’s officer', async () => {
    const shanxi = await client(url, commander, { filter: {} });
    const yunnan = await client(url, yunnanCommander, { filter: {} });
    const outsider = await client(url, guizhou, { filter: {} });
    const otherOfficer = await client(url, officerOther, { filter: {} });
    const ev = inspection({ driver: { idNumber: fugitive.key }, passengers: [] });
    const t0 = Date.now();
    await submit(ev);
    await eventually('the hit on the Shanxi console', () => (shanxi.hits().some((f) => f.hit!.evidence[0]!.eventId === ev.eventId) ? true : undefined), 5000, 10);
    expect(Date.now() - t0).toBeLessThan(1000);
    // The entry is owned by Zhaotong (Yunnan): cross-region routing reaches Yunnan's command centre too.
    await eventually('the hit on the Yunnan console', () => (yunnan.hits().length ? true : undefined), 5000);
    await new Promise((r) => setTimeout(r, 500));
    expect(outsider.hits()).toHaveLength(0);
    expect(otherOfficer.hits()).toHaveLength(0);
    for (const c of [shanxi, yunnan, outsider, otherOfficer]) c.ws.close();
  });

  it('resumes after a disconnect and after a console restart with every hit since the cursor, once, in order', async () => {
    const first = await client(url, commander, { filter: {} });
    await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [], occurredAt: '2026-11-21T01:00:00+08:00' }));
    await eventually('one hit', () => (first.hits().length >= 1 ? true : undefined));
    const cursor = first.hits().at(-1)!.cursor!;
    first.ws.close();

    const missedWhileAway = [2, 3, 4].map((h) => inspection({ driver: { idNumber: fugitive.key }, passengers: [], occurredAt: `2026-11-21T0${h}:00:00+08:00` }));
    for (const ev of missedWhileAway.slice(0, 2)) await submit(ev);
    // Restart the console between the two: the cursor must still be good.
    await consoleSvc.stop();
    await submit(missedWhileAway[2]!);
    ({ c: consoleSvc, url } = await startConsole());

    const resumed = await client(url, commander, { filter: {}, resumeFrom: cursor });
    await eventually('the three missed hits', () => (resumed.hits().length >= 3 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 700));
    const got = resumed.hits().map((f) => f.hit!.evidence.at(-1)!.eventId);
    expect(got).toEqual(missedWhileAway.map((e) => e.eventId));
    expect(resumed.frames.some((f) => f.type === 'heartbeat')).toBe(true);
    resumed.ws.close();
  });

  it('shows an acknowledgement made in one console to another at once, and refuses a stale version', async () => {
    const a = await client(url, commander, { filter: {} });
    const b = await client(url, commander, { filter: {} });
    await submit(inspection({ driver: { idNumber: fugitive.key }, passengers: [], occurredAt: '2026-11-21T09:00:00+08:00' }));
    await eventually('the hit on both', () => (a.hits().length && b.hits().length ? true : undefined));
    const hit = a.hits()[0]!.hit!;
    const act = (version: number) => consoleSvc.app.inject({ method: 'POST', url: `/api/v1/hits/${hit.hitId}/actions`, headers: { authorization: `Bearer ${commander}` }, payload: { action: 'acknowledge', expectedVersion: version } });
    const ok = await act(hit.version);
    expect(ok.statusCode).toBe(200);
    await eventually('the update on the other console', () => (b.frames.some((f) => f.type === 'hit.updated' && f.hit!.hitId === hit.hitId && f.hit!.status === 'acknowledged') ? true : undefined));
    const stale = await act(hit.version);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('version_conflict');
    a.ws.close();
    b.ws.close();
  });

  it('answers a bad frame with an error and keeps the connection', async () => {
    const c = await client(url, commander, { filter: {} });
    c.ws.send('{not json');
    c.ws.send(JSON.stringify({ op: 'subscribe', filter: { severities: ['apocalyptic'] } }));
    await eventually('two errors', () => (c.frames.filter((f) => f.type === 'error').length >= 2 ? true : undefined));
    c.ws.send(JSON.stringify({ op: 'ping' }));
    await eventually('a pong', () => (c.frames.some((f) => f.type === 'pong') ? true : undefined));
    c.ws.close();
  });

  it('finds a vehicle by partial and look-alike plate, requires a purpose, and scopes by jurisdiction', async () => {
    const ev = inspection({ vehicle: { plate: '晋C8G5K2', kind: 'car', direction: 'inbound' } });
    await submit(ev);
    const search = (body: object, token = investigator) => consoleSvc.app.inject({ method: 'POST', url: '/api/v1/search', headers: { authorization: `Bearer ${token}` }, payload: body });
    await eventually('indexed', async () => ((await search({ plate: '晋C8G5K2', purpose: 'case 2026-0417' })).json().total >= 1 ? true : undefined), 10_000, 200);
    expect((await search({ plate: '晋C*5K2', purpose: 'case 2026-0417' })).json().items.map((i: { eventId: string }) => i.eventId)).toContain(ev.eventId);
    expect((await search({ plate: '晋CBG5K2', plateFuzzy: true, purpose: 'case 2026-0417' })).json().items.map((i: { eventId: string }) => i.eventId)).toContain(ev.eventId);
    expect((await search({ plate: '晋C8G5K2' })).statusCode).toBe(400);
    const yunnanInvestigator = tokens.issue({ sub: 'inv-yn', role: 'investigator', jur: '530000' }).token;
    expect((await search({ plate: '晋C8G5K2', purpose: 'case 2026-0417' }, yunnanInvestigator)).json().total).toBe(0);
    const exp = await consoleSvc.app.inject({ method: 'GET', url: `/api/v1/search/export?format=csv&plate=${encodeURIComponent('晋C8G5K2')}&purpose=case-2026&token=${investigator}` });
    expect(exp.statusCode).toBe(200);
    expect(exp.body.split('\n').filter((l) => l.includes(String(ev.eventId)))).toHaveLength(1);
  });
});
