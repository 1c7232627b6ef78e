/**
 * The gateway and the console built in-process on the real engines (the caller's Kafka and Elasticsearch
 * clients, its own topic and index prefix), listening on free ports, with tokens for every role: what the
 * fuzzers (Node and schemathesis) run against. Accounts come from nowhere (tokens are issued directly), so
 * nothing the fuzzers do to accounts touches real ones.
 */
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createTokenService, type Principal } from '../../lib/auth/tokens';
import { createAccountStore } from '../../lib/auth/accounts';
import type { Logger } from '../../lib/logger';
import { buildGateway } from '../../services/gateway/src/app';
import { loadGatewayConfig } from '../../services/gateway/src/config';
import { buildConsole } from '../../services/console/src/app';
import { loadConsoleConfig } from '../../services/console/src/config';
import { FUZZ_CHECKPOINT } from './seeds';

export interface FuzzTargets {
  gatewayUrl: string;
  consoleUrl: string;
  consoleWsUrl: string;
  /** A fresh token for a role (each role scoped as a real account would be). */
  tokenFor(role: Principal['role']): string;
  /** A fresh token of a random role; sometimes none. */
  anyToken(): fc.Arbitrary<string | undefined>;
  stop(): Promise<void>;
}

const SCOPES: Record<Principal['role'], { jur: string; cp?: string }> = {
  officer: { jur: '140882', cp: FUZZ_CHECKPOINT },
  commander: { jur: '140800' },
  investigator: { jur: '530600' },
  admin: { jur: '140000' },
  auditor: { jur: '000000' },
};

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

export async function startFuzzTargets(deps: { kafka: Kafka; es: Client; logger: Logger; env: Record<string, string>; secret: string }): Promise<FuzzTargets> {
  const tokens = createTokenService({ secret: deps.secret });
  const env = { ...deps.env, AUTH_SECRET: deps.secret, DOCS_ENABLED: 'true' };
  const gateway = buildGateway(loadGatewayConfig(env), { logger: deps.logger, kafka: deps.kafka, tokens, accounts: createAccountStore([]) });
  const console = buildConsole(loadConsoleConfig({ ...env, DASHBOARD_DIR: '/nonexistent' }), { logger: deps.logger, kafka: deps.kafka, es: deps.es, tokens, accounts: createAccountStore([]) });
  await Promise.all([gateway.start(), console.start()]);
  const [g, c] = [await listen(gateway.app), await listen(console.app)];
  let n = 0;
  const tokenFor = (role: Principal['role']) => tokens.issue({ sub: `fuzz-${role}-${(n++).toString(36)}`, role, ...SCOPES[role] }).token;
  return {
    gatewayUrl: `http://${g}`,
    consoleUrl: `http://${c}`,
    consoleWsUrl: `ws://${c}`,
    tokenFor,
    anyToken: () => fc.oneof({ weight: 12, arbitrary: fc.constantFrom<Principal['role']>('officer', 'commander', 'investigator', 'admin', 'auditor').map(tokenFor) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    async stop() {
      await Promise.allSettled([gateway.stop(), console.stop()]);
    },
  };
}
