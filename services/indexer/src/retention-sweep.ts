import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../../lib/logger';
import { deleteIndicesOlderThan } from '../../../infra/elasticsearch/retention';

const DAY_MS = 86_400_000;

/**
 * Runs retention at start and then daily: events and hits after `days`, the audit trail after `auditDays`;
 * and creates next month's indices ahead of the month.
 * Several indexer instances may sweep at once; deleting an index twice is harmless (logged and ignored).
 */
export function startRetentionSweep(deps: { es: Client; prepareMonths: () => Promise<unknown>; indexPrefix: string; days: number; auditDays: number; logger: Logger }): () => void {
  const log = deps.logger.child({ component: 'retention' });
  const sweep = async () => {
    try {
      const gone = [
        ...(await deleteIndicesOlderThan(deps.es, deps.indexPrefix, deps.days, { kinds: ['events', 'hits'] })),
        ...(await deleteIndicesOlderThan(deps.es, deps.indexPrefix, deps.auditDays, { kinds: ['audit'] })),
      ];
      if (gone.length) log.info({ gone }, 'retention: indices removed');
      await deps.prepareMonths();
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'retention sweep failed; next one tomorrow');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
