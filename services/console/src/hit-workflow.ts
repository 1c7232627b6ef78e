import type { Producer } from 'kafkajs';
import type { Hit, HitAction } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { isKafkaUnavailable } from '../../../lib/kafka';
import type { Logger } from '../../../lib/logger';
import type { Principal } from '../../../lib/auth/tokens';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { allowedActions, assertCanSeeHit } from './access-policy';
import type { AuditTrail } from './audit';
import { UPDATE_HEADERS, type UpdateKind } from './hit-merge';
import type { HitStore } from './hit-store';
import { applyAction, applyEscalation, checkVersion, needsEscalation, nextEscalationLevel } from './hit-transitions';

export interface HitWorkflow {
  act(p: Principal, hitId: string, action: HitAction): Promise<Hit>;
  /** Starts the escalation scan and the repair writer (after the store caught up). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Workflow actions and escalations, serialised by the log. An action is checked against this instance's
 * view (409 on a stale `expectedVersion` or an impossible move), written to `hit-updates.v1` with acks=all
 * claiming the hit's next workflow number, and answered only once this instance consumed it back and saw
 * the log accept it. Two consoles accepting conflicting actions within the same ~100 ms both write; the
 * first in the partition wins on every instance, the second is rejected on every instance and its writer
 * answers 409 `version_conflict` (and writes a `repair` copy of the winner, so Elasticsearch — which indexes
 * every record by version — ends on the winner's state).
 *
 * Escalation: every instance scans; the log keeps only the first escalation of a hit the same way, so no
 * owner election is needed (a duplicate costs one rejected record and one repair).
 */
export function createHitWorkflow(deps: {
  store: HitStore;
  producer: Producer;
  checkpoints: CheckpointRegistry;
  audit: AuditTrail;
  logger: Logger;
  confirmTimeoutMs: number;
  escalateAfterMs: number;
  escalationScanMs: number;
  now?: () => Date;
}): HitWorkflow {
  const log = deps.logger.child({ component: 'hit-workflow' });
  const now = deps.now ?? (() => new Date());
  const locks = new Map<string, Promise<unknown>>();
  const repairsDue = new Set<string>();
  let scan: NodeJS.Timeout | undefined;
  let repairTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let offRepair: (() => void) | undefined;

  /** One action at a time per hit in this instance, so two local requests cannot claim one number. */
  const serial = <T>(hitId: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(hitId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    locks.set(hitId, tail);
    void tail.then(() => {
      if (locks.get(hitId) === tail) locks.delete(hitId);
    });
    return run;
  };

  const write = async (next: Hit, kind: UpdateKind, seq: number): Promise<{ partition: number; offset: string }> => {
    try {
      const [meta] = await deps.producer.send({
        topic: deps.store.topics.hitUpdates,
        acks: -1,
        messages: [{ key: next.hitId, value: JSON.stringify(next), headers: { [UPDATE_HEADERS.kind]: kind, [UPDATE_HEADERS.seq]: String(seq), [UPDATE_HEADERS.instance]: deps.store.writerId } }],
      });
      if (!meta?.baseOffset) throw new Error('no offset in the produce response');
      return { partition: meta.partition, offset: meta.baseOffset };
    } catch (err) {
      throw new AppError(isKafkaUnavailable(err) ? 'kafka_unavailable' : 'internal', 'The action could not be written to the event log; nothing changed', { cause: err, retryAfterSeconds: 2 });
    }
  };

  const repair = async (hitId: string): Promise<void> => {
    const hit = deps.store.get(hitId);
    const seq = deps.store.workflowSeq(hitId);
    if (!hit || seq === 0) return;
    await write(hit, 'repair', seq);
  };
  const scheduleRepair = (hitId: string) => {
    repairsDue.add(hitId);
    repairTimer ??= setTimeout(() => {
      repairTimer = undefined;
      const ids = [...repairsDue];
      repairsDue.clear();
      for (const id of ids) void serial(id, () => repair(id)).catch((err: unknown) => log.warn({ err, hitId: id }, 'repair record not written'));
    }, 200);
  };

  const escalate = (hitId: string) =>
    serial(hitId, async () => {
      const hit = deps.store.get(hitId);
      if (!hit || !needsEscalation(hit, now().getTime(), deps.escalateAfterMs)) return;
      const to = nextEscalationLevel(hit, deps.checkpoints.jurisdictionOf(hit.checkpointId));
      if (!to) return;
      const next = applyEscalation(hit, to, deps.escalateAfterMs, 'system:escalation', now());
      const at = await write(next, 'escalate', deps.store.workflowSeq(hitId) + 1);
      const outcome = await deps.store.outcomeOf(at.partition, at.offset, deps.confirmTimeoutMs);
      if (outcome === 'stale') return scheduleRepair(hitId);
      if (outcome === 'changed') {
        log.info({ hitId, to }, 'critical hit escalated');
        void deps.audit.record({ actor: 'system:escalation', role: 'system', action: 'hit_action', target: `hit:${hitId}`, details: { action: 'escalate', to, version: next.version } });
      }
    });

  return {
    act: (p, hitId, action) =>
      serial(hitId, async () => {
        // Before the store caught up its versions may be old: an action would be judged on a stale view.
        if (!deps.store.isCaughtUp()) throw new AppError('not_ready', 'The console is still reading the hit log', { retryAfterSeconds: 2 });
        const hit = assertCanSeeHit(p, deps.store.get(hitId), hitId);
        if (!allowedActions(p).includes(action.action)) throw new AppError('forbidden', `Role ${p.role} may not ${action.action} hits`);
        checkVersion(hit, action.expectedVersion);
        const next = applyAction(hit, action, p.sub, now());
        const at = await write(next, 'action', deps.store.workflowSeq(hitId) + 1);
        const outcome = await deps.store.outcomeOf(at.partition, at.offset, deps.confirmTimeoutMs);
        void deps.audit.record({ actor: p.sub, role: p.role, action: 'hit_action', target: `hit:${hitId}`, details: { action: action.action, expectedVersion: action.expectedVersion, outcome, ...(action.action === 'assign' ? { assignee: action.assignee } : {}), ...(action.action === 'resolve' ? { disposition: action.disposition } : {}) } });
        if (outcome === 'stale') {
          scheduleRepair(hitId);
          const current = deps.store.get(hitId);
          throw new AppError('version_conflict', 'Another console changed this hit at the same moment; reload it and try again.', { extra: { currentVersion: current?.version } });
        }
        if (outcome === 'timeout' || outcome === 'unchanged') {
          throw new AppError('not_ready', 'The action was written but not yet confirmed by the event log; reload the hit in a moment', { retryAfterSeconds: 2 });
        }
        return deps.store.get(hitId) ?? next;
      }),
    start() {
      offRepair = deps.store.onRepairNeeded(scheduleRepair);
      scan = setInterval(() => {
        if (stopping || !deps.store.isCaughtUp()) return;
        const t = now().getTime();
        for (const h of deps.store.all()) if (needsEscalation(h, t, deps.escalateAfterMs)) void escalate(h.hitId).catch((err: unknown) => log.warn({ err, hitId: h.hitId }, 'escalation not written'));
      }, deps.escalationScanMs);
    },
    async stop() {
      stopping = true;
      offRepair?.();
      if (scan) clearInterval(scan);
      if (repairTimer) clearTimeout(repairTimer);
      await Promise.allSettled([...locks.values()]);
    },
  };
}
