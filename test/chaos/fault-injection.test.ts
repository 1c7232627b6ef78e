import { describe, expect, it } from 'vitest';
import { chaosOptionsFromEnv, writeChaosReport } from '../../scripts/chaos/run';
import { runChaos } from '../../scripts/chaos/scenario';

/**
 * Issue 9, fault injection: under steady simulated load, kill every service instance, a broker and
 * Elasticsearch, and hang a live-feed client; then account for every event and hit by id. The figures go to
 * bench/results/chaos-<date>.json (CHAOS_RESULTS overrides); the assertions are the counts a user would
 * notice: an acknowledged event missing, a document or a hit twice, a hit that never reached the console.
 */
describe('chaos: faults under load', () => {
  it('loses nothing the gateway acknowledged, duplicates nothing, and delivers every hit to the console once', async () => {
    const report = await runChaos(chaosOptionsFromEnv((m) => process.stderr.write(`[chaos] ${m}\n`)));
    const file = writeChaosReport(report);
    process.stderr.write(`[chaos] results in ${file}\n`);

    expect(report.faultsInjected).toBeGreaterThanOrEqual(process.env.CHAOS_MAX_FAULTS ? 1 : 10);
    expect(report.events.acknowledged).toBeGreaterThan(0);
    expect(report.hits.planted).toBeGreaterThan(0);
    expect({
      lostEvents: report.lostEvents,
      duplicateEvents: report.duplicateEvents,
      duplicateDocuments: report.duplicateDocuments,
      duplicateHits: report.duplicateHits,
      duplicateHitRecords: report.duplicateHitRecords,
      missingHits: report.missingHits,
      hitsNotIndexed: report.hitsNotIndexed,
      plantedWithoutHit: report.plantedWithoutHit,
      topicEventsNotIndexed: report.events.topicEventsNotIndexed,
      consumerLagRecords: report.consumerLagRecords,
    }).toEqual({ lostEvents: 0, duplicateEvents: 0, duplicateDocuments: 0, duplicateHits: 0, duplicateHitRecords: 0, missingHits: 0, hitsNotIndexed: 0, plantedWithoutHit: 0, topicEventsNotIndexed: 0, consumerLagRecords: 0 });
    if (report.recoveries.some((r) => r.kind === 'slow-client')) expect(report.slowClientDropped).toBe(true);
    // Every fault was got over: the target healthy again and its work caught up.
    expect(report.recoveries.filter((r) => r.healthyAfterMs === null || r.recoveredAfterMs === null).map((r) => r.target)).toEqual([]);
  });
});
