import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EventSchema } from '../schemas/src';
import { loadCheckpointRegistry } from '../lib/checkpoints';
import { createCorrelator, type CorrelationOutput } from '../services/rules/src/correlation/correlator';
import { newPartitionState, type PartitionLimits } from '../services/rules/src/correlation/partition-state';
import { DEFAULT_RULES } from '../services/rules/src/default-rules';
import { sightingsOf } from '../services/rules/src/sighting';
import { createRandom, inspection, type Person } from '../scripts/simulator/generate';
import { describeMachine } from './machine';

/**
 * Heap the correlation stage holds per subject and per sighting, through the real correlator and the default
 * rules (no Kafka: this measures the in-memory state the memory bounds count), and what the bounds then hold:
 *
 *   node --expose-gc --import tsx bench/correlation-memory.bench.ts [--events 200000] [--out file.json]
 *
 * Two populations: every event of new subjects (the soak's load), and a fixed fleet seen again and again (a
 * corridor's regular traffic), which is what the per-subject bound is for.
 */
const { values: args } = parseArgs({ options: { events: { type: 'string', default: '200000' }, only: { type: 'string' }, out: { type: 'string' } } });
const N = Number(args.events);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const registry = loadCheckpointRegistry(fileURLToPath(new URL('../infra/demo/checkpoints.json', import.meta.url)));
const checkpoints = registry.all().map((c) => ({ checkpointId: c.checkpointId, jurisdiction: c.jurisdiction }));
const correlator = createCorrelator({ registry, latenessMs: 5 * 60_000, lateHorizonMs: 24 * 3_600_000 });
const now = new Date();

function run(label: string, limits: PartitionLimits, fleet?: number) {
  if (args.only && !label.includes(args.only)) return undefined;
  const r = createRandom(7);
  const vehicles = fleet ? Array.from({ length: fleet }, () => inspection(r, r.pick(checkpoints), now)) : [];
  // Events are made (and parsed, as the judge stage does) before the measurement starts.
  const events = Array.from({ length: N }, (_, i) => {
    const at = new Date(now.getTime() - (N - i) * 1_000);
    const base = fleet ? vehicles[i % fleet]! : undefined;
    const opts = base ? { plate: base.vehicle.plate, driver: base.driver as Person, passengers: base.passengers as Person[] } : {};
    return EventSchema.parse(inspection(r, r.pick(checkpoints), at, opts));
  });
  const state = newPartitionState(limits);
  const before = heap();
  const out: CorrelationOutput = { hits: [], entries: [] };
  const t0 = performance.now();
  let hits = 0;
  let observed = 0;
  for (const e of events) {
    for (const s of sightingsOf(e)) {
      correlator.observe(state, s, DEFAULT_RULES, now, out);
      observed++;
    }
    // The stage hands its outputs on with every batch: they are not part of the state.
    hits += out.hits.length;
    out.hits.length = 0;
    out.entries.length = 0;
  }
  const ms = performance.now() - t0;
  const bytes = heap() - before;
  // The events stay alive until after the measurement (else their collection would be counted against the state).
  if (events.length !== N) throw new Error('events lost');
  const result = {
    label,
    events: N,
    fleet: fleet ?? null,
    limits: Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
    subjectsHeld: state.keys.size,
    sightingsHeld: state.sightings,
    trimmed: state.trimmed,
    evicted: state.evicted,
    hits,
    heapMiB: Math.round((bytes / 2 ** 20) * 10) / 10,
    bytesPerSightingHeld: Math.round(bytes / Math.max(1, state.sightings)),
    bytesPerSubjectHeld: Math.round(bytes / Math.max(1, state.keys.size)),
    sightingsObserved: observed,
    usPerSighting: Math.round(((ms * 1000) / Math.max(1, observed)) * 100) / 100,
  };
  process.stderr.write(`${label}: ${JSON.stringify(result)}\n`);
  return result;
}

const results = [
  run('new subjects, unbounded', {}),
  run('fleet of 2,000 vehicles, unbounded', {}, 2_000),
  run('fleet of 2,000 vehicles, 20 sightings a subject', { maxSightingsPerKey: 20 }, 2_000),
  run('new subjects, 100,000 subjects', { maxKeys: 100_000 }),
  run('new subjects, 100,000 sightings in all', { maxSightings: 100_000 }),
].filter((r) => r !== undefined);
const report = { date: new Date().toISOString(), name: 'correlation-memory', machine: describeMachine(), node: process.version, results };
const file = args.out ?? `bench/results/${report.date.slice(0, 10)}-correlation-memory.json`;
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`wrote ${file}\n`);
