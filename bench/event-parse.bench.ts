import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EventSchema, parseEvent, safeParse } from '../schemas/src';
import { createRandom, inspection } from '../scripts/simulator/generate';
import { describeMachine } from './machine';

/**
 * What checking one event costs, on one core: `EventSchema` (zod) against `parseEvent` (the inspection fast path,
 * zod for everything else), over simulated inspections in the canonical form the gateway publishes — the judge and
 * the indexer parse exactly that, the gateway what the terminal sent. JSON already parsed; best of 5 rounds.
 *
 *   npx tsx bench/event-parse.bench.ts [--events 20000] [--out bench/results/<date>-event-parse.json]
 */
const { values: args } = parseArgs({ options: { events: { type: 'string', default: '20000' }, out: { type: 'string' } } });
const N = Number(args.events);
const r = createRandom(7);
const events = Array.from({ length: N }, (_, i) => {
  const e = safeParse(EventSchema, inspection(r, { checkpointId: `CP-140300-G5-0${(i % 9) + 1}`, jurisdiction: '140300' }, new Date()));
  if (!e.success) throw new Error('the simulator made an invalid event');
  return JSON.parse(JSON.stringify(e.data)) as unknown;
});

const time = (f: (e: unknown) => { success: boolean }) => {
  const t = performance.now();
  for (const e of events) if (!f(e).success) throw new Error('rejected');
  return ((performance.now() - t) * 1000) / N;
};
const best = { zod: Infinity, fastPath: Infinity };
for (let round = 0; round < 5; round++) {
  best.zod = Math.min(best.zod, time((e) => safeParse(EventSchema, e)));
  best.fastPath = Math.min(best.fastPath, time(parseEvent));
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const result = { date: new Date().toISOString(), events: N, machine: describeMachine(), microsecondsPerInspection: { zod: r2(best.zod), fastPath: r2(best.fastPath) } };
const text = JSON.stringify(result, null, 2);
console.log(text);
if (args.out) writeFileSync(args.out, `${text}\n`);
