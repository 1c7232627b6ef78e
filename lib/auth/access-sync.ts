import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { AccessRecordSchema, accessKey, type AccessRecord, type AccountRecord, type GrantRecord, safeParse } from '../../schemas/src';
import type { Logger } from '../logger';
import { retry } from '../retry';
import type { Account, AccountStore } from './accounts';
import type { TokenService } from './tokens';

export interface AccessSync {
  /** Reads `access.v1` from the start; resolves once caught up with its end as of start. */
  start(): Promise<void>;
  stop(): Promise<void>;
  isCaughtUp(): boolean;
  /**
   * Writes a record (acks=all) and applies it here at once, so the instance that revoked a token rejects it
   * before answering; every other instance applies it when it reads it (normally well under a second).
   */
  publish(record: AccessRecord): Promise<void>;
  grant(grantId: string): GrantRecord | undefined;
  grants(): GrantRecord[];
}

export const toAccount = (r: AccountRecord): Account => ({
  username: r.username,
  passwordHash: r.passwordHash,
  role: r.role,
  jurisdiction: r.jurisdiction,
  ...(r.checkpointId ? { checkpointId: r.checkpointId } : {}),
  disabled: r.disabled,
  ...(r.demo ? { demo: true } : {}),
});

/**
 * Keeps this process's accounts, grants and token revocations in step with `access.v1` (compacted), the
 * one shared store of them (docs/SECURITY.md). Gateway and console instances each read it whole with a
 * group of their own; the console also writes it. Invalid records are skipped and logged by key only.
 */
export function createAccessSync(deps: { kafka: Kafka; topic: string; accounts: AccountStore; tokens: TokenService; logger: Logger; producer?: Producer; name: string; demoMode?: boolean }): AccessSync {
  const log = deps.logger.child({ component: 'access-sync' });
  const grants = new Map<string, GrantRecord>();
  let consumer: Consumer | undefined;
  let caughtUp = false;

  const apply = (r: AccessRecord): void => {
    if (r.kind === 'account') {
      // A demo account changed through the API in a demo run must not come back in a production start.
      if (!r.demo || deps.demoMode === true) deps.accounts.put(toAccount(r));
    }
    else if (r.kind === 'grant') grants.set(r.grantId, r);
    else if (r.scope === 'token') deps.tokens.revocations.revokeToken(r.jti, r.exp);
    else deps.tokens.revocations.revokeUser(r.sub, r.notBeforeMs);
  };

  return {
    isCaughtUp: () => caughtUp,
    grant: (id) => grants.get(id),
    grants: () => [...grants.values()],
    async publish(record) {
      if (!deps.producer) throw new Error('access-sync has no producer: only the console writes access records');
      const value = AccessRecordSchema.parse(record);
      await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: accessKey(value), value: JSON.stringify(value) }] });
      apply(value);
    },
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const remaining = new Map<number, number>();
      try {
        for (const p of await retry(() => admin.fetchTopicOffsets(deps.topic), { attempts: 30, maxMs: 2_000 })) if (Number(p.high) > Number(p.low)) remaining.set(p.partition, Number(p.high) - 1);
      } finally {
        await admin.disconnect();
      }
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const check = () => {
        if (!caughtUp && remaining.size === 0) {
          caughtUp = true;
          log.info({ grants: grants.size, revocations: deps.tokens.revocations.size() }, 'access records read');
          resolve();
        }
      };
      consumer = deps.kafka.consumer({ groupId: `${deps.name}-access-${randomUUID()}`, maxWaitTimeInMs: 100 });
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        const want = remaining.get(e.payload.partition);
        if (want !== undefined && Number(e.payload.lastOffset) >= want) {
          remaining.delete(e.payload.partition);
          check();
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            if (!m.value) continue;
            let parsed;
            try {
              parsed = safeParse(AccessRecordSchema, JSON.parse(m.value.toString('utf8')));
            } catch {
              parsed = undefined;
            }
            if (parsed?.success) apply(parsed.data);
            else log.warn({ key: m.key?.toString('utf8'), offset: m.offset }, 'invalid access record skipped');
          }
        },
      });
      check();
      await done;
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}
