import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/namespace';
import { drugTest, IDS, inspection, seizure } from '../support/sample-events';
import { hitFrames, launchChromium, openConsole, signIn, tid, type Session } from './browser';
import { CASE_PLATE, corridorHistory, cst, fugitiveAtLudian, startSystem, type System } from './system';

/**
 * The README's screenshots, taken from the real system: `npx vitest run -c test/browser/screenshots.config.ts`
 * writes docs/screenshots/*.png (1280×800). Not part of `npm test`: it rewrites committed files.
 */
const OUT = 'docs/screenshots';
const HOUR = 3_600_000;
const PLATES = ['云A3F718', '云C5H902', '川Q8M261', '云C2L775', '贵F6N318', '云A9T204'];
const SUBSTANCES = ['methamphetamine', 'heroin', 'ketamine', 'methamphetamine_tablets'];

/** A week of ordinary traffic on the G85 checkpoints, so the statistics have a shape. */
function weekOfTraffic(now: number): Array<Record<string, unknown>> {
  const cps = ['CP-530602-G85-01', 'CP-530621-G85-02', 'CP-530630-G85-03'];
  const people = [IDS.ludian, IDS.zhaotong, IDS.bijie, IDS.chengdu];
  const out: Array<Record<string, unknown>> = [];
  for (let day = 6; day >= 1; day--) {
    const n = 3 + ((day * 5) % 4);
    for (let i = 0; i < n; i++) {
      const at = now - day * 24 * HOUR + i * 2 * HOUR;
      const cp = cps[(day + i) % cps.length]!;
      out.push(inspection({ occurredAt: cst(at), checkpointId: cp, terminalId: 'T-0103', officerIds: ['O-5306-0003'], vehicle: { plate: PLATES[(day + i) % PLATES.length]!, plateColor: 'blue', kind: i % 3 === 0 ? 'truck' : 'car', direction: i % 2 ? 'inbound' : 'outbound' }, driver: { idNumber: people[(day + i) % people.length]! }, passengers: [] }));
      if (i % 2 === 0) {
        out.push(drugTest({ occurredAt: cst(at + 20 * 60_000), checkpointId: cp, terminalId: 'T-0103', officerIds: ['O-5306-0003'], subject: { idNumber: people[(day + i) % people.length]! }, results: [{ substance: 'methamphetamine', outcome: (day + i) % 5 === 0 ? 'positive' : 'negative', cutoffNgMl: 50 }] }));
      }
    }
    if (day % 2 === 0) {
      out.push(seizure({ occurredAt: cst(now - day * 24 * HOUR + 9 * HOUR), checkpointId: cps[day % cps.length]!, terminalId: 'T-0103', officerIds: ['O-5306-0003'], items: [{ substance: SUBSTANCES[day % SUBSTANCES.length]!, form: 'crystal', netWeightGrams: 150 * day + 37.5, packages: day, concealment: 'hidden_compartment' }], vehicles: [], persons: [] }));
    }
  }
  return out;
}

describe('screenshots of the web console for the README', () => {
  let sys: System;
  let browser: Browser;
  let session: Session;
  const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}/${name}.png`, animations: 'disabled' });

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    [sys, browser] = await Promise.all([startSystem({ label: 'shots' }), launchChromium()]);
    const now = Date.now();
    for (const e of [...weekOfTraffic(now), ...corridorHistory(now)]) {
      const res = await sys.submit(e);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
  });
  afterAll(async () => {
    await session?.context.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  it('captures the live feed with hits (zh) and a hit with its route plot (en)', async () => {
    session = await openConsole(browser, sys.consoleUrl);
    const { page } = session;
    const frames = hitFrames(session);
    await signIn(page, 'commander');
    await expect.poll(() => page.locator(tid('connection-status')).getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    const event = fugitiveAtLudian();
    expect((await sys.submit(event)).status).toBe(202);
    await page.locator(tid('pinned-hit')).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await shot(page, 'live-feed');

    await page.locator(tid('language-switch')).click();
    const vehicleHit = await eventually('the case-vehicle hit at Ludian', () => frames.find((f) => f.frame.hit?.category === 'case_vehicle' && f.frame.hit.evidence?.some((e) => e.eventId === event.eventId))?.frame.hit);
    await page.locator(tid('hit-row', `[data-hit-id="${vehicleHit.hitId}"]`)).click();
    await page.locator(tid('route-plot')).waitFor({ timeout: 30_000 });
    // Shuifu, Zhaotong and Ludian (Yibin is in Sichuan, outside this commander's scope).
    await expect.poll(() => page.locator(`${tid('route-timeline')} li`).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await page.locator(tid('hit-route')).scrollIntoViewIfNeeded();
    await shot(page, 'hit-detail-route');
  });

  it('captures a partial-plate search (en)', async () => {
    const inv = await openConsole(browser, sys.consoleUrl, { lang: 'en' });
    const { page } = inv;
    await signIn(page, 'investigator');
    await page.locator(tid('nav-search')).click();
    await page.locator(tid('search-plate')).fill(`${CASE_PLATE.slice(0, 2)}*`);
    await page.locator(tid('search-purpose')).fill('Case YN-2026-0417: vehicle route check');
    await eventually(
      'search results',
      async () => {
        await page.locator(tid('search-submit')).click();
        await page.locator(tid('search-summary')).waitFor();
        return (await page.locator(tid('result-plate')).count()) >= 5 ? true : undefined;
      },
      30_000,
      500,
    );
    await shot(page, 'search');

    await page.locator(tid('nav-stats')).click();
    await page.locator(`${tid('stat-inspections')}`).waitFor({ timeout: 30_000 });
    await page.locator('canvas').first().waitFor();
    await page.waitForTimeout(500);
    await shot(page, 'stats');
    await inv.context.close();
  });
});
