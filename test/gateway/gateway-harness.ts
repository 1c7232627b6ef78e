import type { Consumer, Kafka } from 'kafkajs';
import { createTokenService } from '../../lib/auth/tokens';
import { createAccountStore } from '../../lib/auth/accounts';
import { buildGateway, type Gateway } from '../../services/gateway/src/app';
import { loadGatewayConfig } from '../../services/gateway/src/config';
import type { Namespace } from '../support/namespace';

export const SECRET = 's'.repeat(40);

/** A gateway built in-process against the namespace, with an officer bound to the Hejin checkpoint. */
export function gatewayFor(ns: Namespace, env: Record<string, string> = {}, kafka: Kafka = ns.kafka): { gateway: Gateway; officerToken: string; tokenFor: (cp: string) => string } {
  const tokens = createTokenService({ secret: SECRET });
  const config = loadGatewayConfig({ ...ns.env, AUTH_SECRET: SECRET, DOCS_ENABLED: 'false', ...env });
  const gateway = buildGateway(config, { logger: ns.logger, kafka, tokens, accounts: createAccountStore([]) });
  const tokenFor = (cp: string) => tokens.issue({ sub: `officer-${cp}`, role: 'officer', jur: /^CP-(\d{6})/.exec(cp)?.[1] ?? '140882', cp }).token;
  return { gateway, officerToken: tokenFor('CP-140882-G5-01'), tokenFor };
}

/** Every message on a topic so far, read with a throwaway group from the beginning. */
export async function readAll(ns: Namespace, topic: string, expectAtLeast: number, timeoutMs = 10_000): Promise<Array<{ key: string; value: string; headers: Record<string, string> }>> {
  const out: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
  const consumer: Consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}reader-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const admin = ns.admin;
  const ends = await admin.fetchTopicOffsets(topic);
  const total = ends.reduce((n, e) => n + Number(e.high) - Number(e.low), 0);
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push({
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? ''])),
      });
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (out.length < Math.max(total, expectAtLeast) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // A moment more so an unexpected extra message would be seen too.
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return out;
}
