import type { Kafka } from 'kafkajs';
import { buildRules, type RulesService } from '../../services/rules/src/app';
import { loadRulesConfig } from '../../services/rules/src/config';
import type { Namespace } from '../support/namespace';

export const DEMO_WATCHLIST = 'infra/demo/watchlist.ndjson';

export function rulesFor(ns: Namespace, instance = 'rules-1', kafka: Kafka = ns.kafka): RulesService {
  return buildRules(loadRulesConfig({ ...ns.env, INSTANCE_ID: instance }), { logger: ns.logger, kafka });
}

/** Puts watchlist entries on the compacted topic, as the console's admin API does. */
export async function putWatchlist(ns: Namespace, entries: Array<Record<string, unknown>>): Promise<void> {
  const producer = ns.kafka.producer();
  await producer.connect();
  await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: entries.map((e) => ({ key: String(e.entryId), value: JSON.stringify(e) })) });
  await producer.disconnect();
}

/** Every committed hit on the hits topic (read-committed), as any downstream consumer sees them. */
export async function committedHits(ns: Namespace, settleMs = 1500): Promise<Array<{ hitId: string; version: number; ruleId: string; match: { exact: boolean; kind: string }; subject: { key: string }; evidence: Array<{ eventId: string }>; severity: string }>> {
  const out: Array<{ hitId: string; version: number; ruleId: string; match: { exact: boolean; kind: string }; subject: { key: string }; evidence: Array<{ eventId: string }>; severity: string }> = [];
  const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}hits-${Math.random().toString(36).slice(2)}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: ns.topics.hits, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void out.push(JSON.parse(message.value!.toString())) });
  await new Promise((r) => setTimeout(r, settleMs));
  await consumer.disconnect();
  return out;
}
