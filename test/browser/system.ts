import { createTokenService } from '../../lib/auth/tokens';
import { createAccountStore, type Account } from '../../lib/auth/accounts';
import { hashPassword } from '../../lib/auth/passwords';
import { buildConsole, type ConsoleService } from '../../services/console/src/app';
import { loadConsoleConfig } from '../../services/console/src/config';
import { buildGateway, type Gateway } from '../../services/gateway/src/app';
import { loadGatewayConfig } from '../../services/gateway/src/config';
import { buildIndexer, type Indexer } from '../../services/indexer/src/app';
import { loadIndexerConfig } from '../../services/indexer/src/config';
import { createNamespace, type Namespace } from '../support/namespace';
import { drugTest, IDS, inspection, seizure } from '../support/sample-events';
import { demoWatchlist, putWatchlist, rulesFor } from '../rules/rules-harness';
import type { RulesService } from '../../services/rules/src/app';

const SECRET = 'browser-test-secret-'.padEnd(40, 'x');
const HOUR = 3_600_000;

/** The people who sign in through the web console in these tests (passwords are test-only). */
export const USERS = {
  commander: { username: 'cmd.yunnan', password: 'commander yunnan pw', role: 'commander', jurisdiction: '530000' },
  commander2: { username: 'cmd.zhaotong', password: 'commander zhaotong pw', role: 'commander', jurisdiction: '530600' },
  investigator: { username: 'inv.yunnan', password: 'investigator yunnan pw', role: 'investigator', jurisdiction: '530000' },
} as const;
export type UserKey = keyof typeof USERS;

/** The demo fugitive (watchlist WL-P-0001, critical, detain) and the watchlisted case vehicle (WL-V-0001). */
export const FUGITIVE_ID = '530621198604113159';
export const CASE_PLATE = '云C8G5K2';
export const LUDIAN = 'CP-530621-G85-02';

/** Event time as a terminal in China sends it. */
export const cst = (ms: number): string => new Date(ms + 8 * HOUR).toISOString().replace('Z', '+08:00');

export interface System {
  ns: Namespace;
  consoleUrl: string;
  gatewayUrl: string;
  /** Submits one event to the gateway over HTTP as the checkpoint's officer; `waitMs` asks for the verdict. */
  submit(event: Record<string, unknown>, opts?: { waitMs?: number }): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

const portOf = (svc: { app: ConsoleService['app'] }): number => {
  const addr = svc.app.server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
};

/**
 * Gateway, rules, indexer and console in-process against the real engines, in their own namespace, the
 * console serving the real web console from dashboards/console and the demo watchlist loaded.
 */
export async function startSystem(opts: { label?: string; engines?: { kafkaBrokers: string[]; esUrl: string } } = {}): Promise<System> {
  const ns = await createNamespace(opts.label ?? 'browser', opts.engines ? { engines: opts.engines } : {});
  const tokens = createTokenService({ secret: SECRET });
  const accounts: Account[] = await Promise.all(
    Object.values(USERS).map(async (u) => ({ username: u.username, passwordHash: await hashPassword(u.password), role: u.role, jurisdiction: u.jurisdiction, disabled: false })),
  );
  let indexer: Indexer | undefined;
  let rules: RulesService | undefined;
  let con: ConsoleService | undefined;
  let gw: Gateway | undefined;
  const stop = async () => {
    await Promise.all([con?.stop(), gw?.stop()]);
    await rules?.stop();
    await indexer?.stop();
    await ns.cleanup();
  };
  try {
    await putWatchlist(ns, demoWatchlist().map((e) => ({ ...e, version: 1 })));
    indexer = buildIndexer(loadIndexerConfig({ ...ns.env, INDEXER_LINGER_MS: '0' }), { logger: ns.logger, kafka: ns.kafka, es: ns.es });
    rules = rulesFor(ns, 'rules-browser');
    con = buildConsole(loadConsoleConfig({ ...ns.env, AUTH_SECRET: SECRET, DOCS_ENABLED: 'false', DASHBOARD_DIR: 'dashboards/console', HEARTBEAT_MS: '2000' }), {
      logger: ns.logger,
      kafka: ns.kafka,
      es: ns.es,
      tokens,
      accounts: createAccountStore(accounts),
    });
    gw = buildGateway(loadGatewayConfig({ ...ns.env, AUTH_SECRET: SECRET, DOCS_ENABLED: 'false' }), { logger: ns.logger, kafka: ns.kafka, tokens, accounts: createAccountStore([]) });
    await Promise.all([indexer.start(), rules.start(), con.start(), gw.start()]);
    await con.app.listen({ port: 0, host: '127.0.0.1' });
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  const gatewayUrl = `http://127.0.0.1:${portOf(gw)}`;
  const officerToken = (cp: string) => tokens.issue({ sub: `officer-${cp}`, role: 'officer', jur: /^CP-(\d{6})/.exec(cp)?.[1] ?? '530621', cp }).token;
  return {
    ns,
    consoleUrl: `http://127.0.0.1:${portOf(con)}`,
    gatewayUrl,
    async submit(event, o = {}) {
      const res = await fetch(`${gatewayUrl}/api/v1/events${o.waitMs ? `?waitMs=${o.waitMs}` : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officerToken(String(event.checkpointId))}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    stop,
  };
}

/**
 * A few days on the G85 corridor before the test: the case vehicle driven north to south (Yibin → Shuifu
 * → Zhaotong), other traffic, a positive drug test and a seizure, so the feed, the route plot, search and
 * the statistics have something to show. Every event goes through the gateway.
 */
export function corridorHistory(now = Date.now()): Array<Record<string, unknown>> {
  const car = (cp: string, hoursAgo: number, plate: string, idNumber: string, extra: Record<string, unknown> = {}) =>
    inspection({ occurredAt: cst(now - hoursAgo * HOUR), checkpointId: cp, terminalId: 'T-0101', officerIds: ['O-5306-0001'], vehicle: { plate, plateColor: 'blue', kind: 'car', direction: 'inbound' }, driver: { idNumber }, passengers: [], ...extra });
  return [
    car('CP-511500-G85-04', 30, CASE_PLATE, IDS.zhaotong),
    car('CP-530630-G85-03', 27, CASE_PLATE, IDS.zhaotong),
    car('CP-530602-G85-01', 24, CASE_PLATE, IDS.zhaotong, { findings: { suspicious: true, indicators: ['nervous'], note: '驾驶人神情紧张' } }),
    car('CP-530630-G85-03', 20, '云A12345', IDS.ludian),
    car('CP-530602-G85-01', 12, '川A7B3D9', IDS.chengdu),
    car('CP-530621-G85-02', 6, '云C1K234', IDS.ludian),
    drugTest({ occurredAt: cst(now - 23.5 * HOUR), checkpointId: 'CP-530602-G85-01', terminalId: 'T-0101', officerIds: ['O-5306-0001'], subject: { idNumber: IDS.zhaotong }, results: [{ substance: 'methamphetamine', outcome: 'positive', cutoffNgMl: 50 }] }),
    seizure({
      occurredAt: cst(now - 11 * HOUR),
      checkpointId: 'CP-530602-G85-01',
      terminalId: 'T-0101',
      officerIds: ['O-5306-0001'],
      vehicles: [{ plate: '川A7B3D9' }],
      persons: [{ idNumber: IDS.chengdu, role: 'driver', detained: true }],
    }),
  ];
}

/** The event the live-feed test submits: the demo fugitive driving the case vehicle through Ludian. */
export function fugitiveAtLudian(now = Date.now()): Record<string, unknown> {
  return inspection({
    occurredAt: cst(now),
    checkpointId: LUDIAN,
    terminalId: 'T-0102',
    officerIds: ['O-5306-0002'],
    vehicle: { plate: CASE_PLATE, plateColor: 'blue', kind: 'car', direction: 'outbound' },
    driver: { idNumber: FUGITIVE_ID, name: '李某' },
    passengers: [{ idNumber: IDS.zhaotong }],
    findings: { suspicious: true, indicators: ['nervous'], note: '核查身份' },
    outcome: 'held',
  });
}
