import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, cdfChart, lineChart, type Bar } from './lib/charts';
import type { ProcessFigures } from './lib/processes';

/** The Markdown report of one `npm run bench` run, with its charts as SVG files beside it. */
type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TARGETS = { batch: 5000, single: 2000, alertP50: 15, alertP99: 100, searchableP95: 2000, watchlistRssMiB: 2560, watchlistLoadS: 60 };

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const show = (v: unknown, unit = '') => (n(v) === undefined ? '—' : `${n(v)! >= 100 ? Math.round(n(v)!).toLocaleString('en-US') : n(v)}${unit}`);
const verdict = (v: unknown, target: number, higherIsBetter: boolean) => (n(v) === undefined ? 'not measured' : (higherIsBetter ? n(v)! >= target : n(v)! <= target) ? 'met' : '**missed**');

/** Finds the first numeric field whose path matches, so the report copes with sub-bench shapes it does not own. */
function find(obj: unknown, re: RegExp, path = ''): number | undefined {
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      const p = `${path}.${k}`;
      if (typeof v === 'number' && re.test(p)) return v;
      const deeper = find(v, re, p);
      if (deeper !== undefined) return deeper;
    }
  }
  return undefined;
}

export function writeReport(r: R, dir: string, base: string): string {
  const chartDir = join(dir, base);
  mkdirSync(chartDir, { recursive: true });
  const charts: string[] = [];
  const chart = (file: string, svg: string, alt: string) => {
    writeFileSync(join(chartDir, file), svg);
    charts.push(`![${alt}](${base}/${file})`);
    return `![${alt}](${base}/${file})`;
  };

  const c: R = r.ceilings ?? {};
  const e: R = r.endToEnd ?? {};
  const a: R = r.timeToAlert ?? {};
  const slowestBatchStage = Math.min(...[c.kafkaProduceEventsPerSec, c.esBulkDocsPerSec, c.rulesJudgeEventsPerSec].filter((x) => n(x) !== undefined));
  const wlRss = n(r.watchlist?.rssMiB) ?? find(r.watchlist, /rss/i);
  const wlLoad = n(r.watchlist?.loadSeconds) ?? find(r.watchlist, /loadSeconds/i);

  const rows: string[][] = [
    ['end to end, batch (accepted, judged and indexed)', show(e.batchEventsPerSec, ' events/s'), `≥ ${TARGETS.batch.toLocaleString('en-US')}`, verdict(e.batchEventsPerSec, TARGETS.batch, true)],
    ['… as a share of the slowest stage ceiling', Number.isFinite(slowestBatchStage) && n(e.batchEventsPerSec) ? `${Math.round((e.batchEventsPerSec / slowestBatchStage) * 100)} % of ${Math.round(slowestBatchStage).toLocaleString('en-US')}` : '—', '≥ 50 %', Number.isFinite(slowestBatchStage) && n(e.batchEventsPerSec) ? verdict(e.batchEventsPerSec / slowestBatchStage, 0.5, true) : 'not measured'],
    ['end to end, single requests (accepted, judged and indexed)', show(e.singleEventsPerSec, ' events/s'), `≥ ${TARGETS.single.toLocaleString('en-US')}`, verdict(e.singleEventsPerSec, TARGETS.single, true)],
    ['… as a share of the no-op fastify ceiling', n(c.fastifyNoopRequestsPerSec) && n(e.singleEventsPerSec) ? `${Math.round((e.singleEventsPerSec / c.fastifyNoopRequestsPerSec) * 100)} % of ${Math.round(c.fastifyNoopRequestsPerSec).toLocaleString('en-US')}` : '—', '≥ 50 %', n(c.fastifyNoopRequestsPerSec) && n(e.singleEventsPerSec) ? verdict(e.singleEventsPerSec / c.fastifyNoopRequestsPerSec, 0.5, true) : 'not measured'],
    [`time-to-alert p50 at ${show(a.achievedRate)} events/s`, show(a.p50Ms, ' ms'), `≤ ${TARGETS.alertP50} ms`, verdict(a.p50Ms, TARGETS.alertP50, false)],
    ['time-to-alert p95', show(a.p95Ms, ' ms'), '—', ''],
    ['time-to-alert p99', show(a.p99Ms, ' ms'), `≤ ${TARGETS.alertP99} ms`, verdict(a.p99Ms, TARGETS.alertP99, false)],
    ['submit → verdict (`?waitMs`) p50 / p99, same phase', a.submitToVerdict ? `${show(a.submitToVerdict.p50, ' ms')} / ${show(a.submitToVerdict.p99, ' ms')}` : '—', '—', a.submitToVerdict ? `${a.submitToVerdict.n} judged in time, ${a.submitToVerdict.unjudged} not` : 'not measured'],
    ['planted hits that never reached the console', show(a.missing), '0', n(a.missing) === undefined ? 'not measured' : a.missing === 0 ? 'met' : '**missed**'],
    ['time-to-searchable p95', show(r.timeToSearchableMs?.p95, ' ms'), `≤ ${TARGETS.searchableP95.toLocaleString('en-US')} ms`, verdict(r.timeToSearchableMs?.p95, TARGETS.searchableP95, false)],
    [`watchlist RSS at ${show(r.watchlist?.entries)} entries`, show(wlRss, ' MiB'), `≤ ${TARGETS.watchlistRssMiB} MiB at 10M`, verdict(wlRss, TARGETS.watchlistRssMiB, false)],
    [`watchlist full read from Kafka at ${show(r.watchlist?.entries)} entries (first start)`, show(wlLoad, ' s'), `≤ ${TARGETS.watchlistLoadS} s at 10M`, verdict(wlLoad, TARGETS.watchlistLoadS, false)],
    [`watchlist restart from its snapshot + the topic since`, show(r.watchlist?.loadSecondsWarm, ' s'), `≤ ${TARGETS.watchlistLoadS} s at 10M`, verdict(r.watchlist?.loadSecondsWarm, TARGETS.watchlistLoadS, false)],
  ];

  const out: string[] = [];
  out.push(`# Benchmark report: ${base}`, '');
  out.push(`Run ${r.date} in ${r.mode} mode, ${r.durationSeconds ?? '?'} s. Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, ${r.machine.os}, Node ${r.machine.node}; ${r.machine.note}. Kafka: ${r.brokers} broker(s). Load average at start ${r.loadAverageAtStart?.join(' / ')}, at end ${r.loadAverageAtEnd?.join(' / ')}${r.loadAverageAtStart?.[0] > 1.5 ? ' — **the machine was busy when the run started; latency figures carry that contention**' : ''}.`, '');
  if (r.engines) {
    const w = r.engines as { upSeconds: Record<string, number>; elasticsearchDocsIndexedSinceStart?: number; elasticsearchCold: boolean };
    const up = Object.entries(w.upSeconds).map(([k, v]) => `${k} ${v >= 3600 ? `${Math.round(v / 360) / 10} h` : `${Math.round(v / 60)} min`}`).join(', ');
    out.push(`Engines up: ${up}; Elasticsearch had indexed ${w.elasticsearchDocsIndexedSinceStart?.toLocaleString('en-US') ?? '?'} documents since it started${w.elasticsearchCold ? ' — **cold: the first run after a start indexes slower (bench README, *Reading the figures*); not comparable with warm runs**' : ''}.`, '');
  }
  out.push(`Reproduce: \`${r.soak ? 'npm run bench:soak' : 'npm run bench'}${r.mode === 'quick' ? ' -- --quick' : ''}\` (starts the engines and a namespaced copy of the system itself).`, '');
  if (r.endToEnd || r.ceilings || r.watchlist) out.push('## Figures against the targets', '', '| figure | measured | target | status |', '|---|---|---|---|', ...rows.map((x) => `| ${x.join(' | ')} |`), '');

  if (r.ceilings || r.endToEnd) {
    const bars: Bar[] = [];
    if (n(c.kafkaProduceEventsPerSec)) bars.push({ label: 'ceiling: kafkajs produce', value: c.kafkaProduceEventsPerSec });
    if (n(c.kafkaConsumeEventsPerSec)) bars.push({ label: 'ceiling: kafkajs consume', value: c.kafkaConsumeEventsPerSec });
    if (n(c.esBulkDocsPerSec)) bars.push({ label: 'ceiling: Elasticsearch bulk', value: c.esBulkDocsPerSec });
    if (n(c.fastifyNoopRequestsPerSec)) bars.push({ label: 'ceiling: no-op fastify', value: c.fastifyNoopRequestsPerSec });
    if (n(c.rulesJudgeEventsPerSec)) bars.push({ label: 'ceiling: rules judge stage alone', value: c.rulesJudgeEventsPerSec });
    if (n(e.batchAcceptedPerSec)) bars.push({ label: 'batch: accepted', value: e.batchAcceptedPerSec });
    if (n(e.batchEventsPerSec)) bars.push({ label: 'batch: judged + indexed', value: e.batchEventsPerSec, target: TARGETS.batch });
    if (n(e.singleAcceptedPerSec)) bars.push({ label: 'single: accepted', value: e.singleAcceptedPerSec });
    if (n(e.singleEventsPerSec)) bars.push({ label: 'single: judged + indexed', value: e.singleEventsPerSec, target: TARGETS.single });
    out.push('## Throughput and ceilings', '', 'Red ticks are targets; green bars meet them, orange bars miss them.', '', chart('throughput.svg', barChart('Throughput', 'events/s', bars), 'throughput against ceilings'), '');
    if (e.batch?.timeline && e.single?.timeline) {
      out.push(chart('accepted-per-second.svg', lineChart('Events accepted', 'events', [{ label: 'batch', values: e.batch.timeline, color: '#4a78b5' }, { label: 'single', values: e.single.timeline, color: '#3a9d5d' }]), 'events accepted per second'), '');
      for (const [label, x] of [['Batch', e.batch], ['Single', e.single]] as const) {
        const slowest = [['judging', x.judgedSeconds], ['correlation', x.correlatedSeconds], ['indexing', x.indexedSeconds]].sort((a, b) => (b[1] as number) - (a[1] as number))[0]![0];
        out.push(`${label}: ${show(x.accepted)} accepted in ${x.submitSeconds} s; every event judged by the rules service after ${x.judgedSeconds} s, every sighting correlated after ${x.correlatedSeconds} s, every event in Elasticsearch after ${x.indexedSeconds} s (seconds from the first request; ${slowest} finished last).`, '');
      }
    }
  }
  if (r.timeToAlert) {
    out.push('## Time to alert', '', `From the terminal's 202 to the hit frame on a commander's WebSocket, for planted fugitive inspections (1 in 50) while ${show(a.achievedRate)} events/s of single requests flow. ${a.alerts} of ${a.planted} planted hits measured. From sending the request (including the 202 itself): p50 ${show(r.timeToAlert.sendToAlert?.p50, ' ms')}, p99 ${show(r.timeToAlert.sendToAlert?.p99, ' ms')}.`, '');
    out.push(chart('time-to-alert.svg', cdfChart('Time to alert', r.timeToAlertSamplesMs ?? [], [{ label: 'p50 target 15 ms', ms: 15 }, { label: 'p99 target 100 ms', ms: 100 }]), 'time-to-alert distribution'), '');
    const curve = (r.timeToAlertCurve ?? []) as R[];
    if (curve.length > 1) {
      out.push('Against load (each rate its own phase of the same length, lowest first; the judge stage figures are its own histograms):', '');
      out.push('| events/s | p50 ms | p95 ms | p99 ms | submit → verdict p50 / p99 ms | judge transaction mean ms | events per transaction |', '|---|---|---|---|---|---|---|');
      for (const x of curve) out.push(`| ${show(x.achievedRate)} | ${show(x.p50Ms)} | ${show(x.p95Ms)} | ${show(x.p99Ms)} | ${x.submitToVerdictP50Ms === undefined ? '—' : `${show(x.submitToVerdictP50Ms)} / ${show(x.submitToVerdictP99Ms)}`} | ${show(x.judgeTransactionMs)} | ${show(x.judgeEventsPerTransaction)} |`);
      out.push('');
    }
    const t: R | undefined = r.ceilingsDetail?.transactions;
    if (t?.oneProducer && t?.twoProducers) {
      const line = (x: R) => `${x.meanMs} ms (offsets ${x.stepMeanMs.offsets}, records ${x.stepMeanMs.send}, commit ${x.stepMeanMs.commit}; ${x.concurrentTransactionsRetries} CONCURRENT_TRANSACTIONS retries in ${x.transactions})`;
      out.push(`The floor under these figures: one Kafka transaction with nothing else in it (offsets, 6 small records, commit) took ${line(t.oneProducer)} back to back on one producer, and ${line(t.twoProducers)} on two producers taking turns, as the rules stages run them. An alert waits for at least one such transaction after its event is fetched, plus the console's read-committed fetch.`, '');
    }
  }
  const procs = r.processes as Record<string, ProcessFigures[]> | undefined;
  if (procs) {
    out.push('## CPU and memory per process', '', 'Mean CPU per phase in % of one core (the machine has ' + r.machine.cores + ' cores, so ' + r.machine.cores * 100 + ' % is everything), peak RSS in MiB.', '');
    const phases = Object.keys(procs);
    const names = procs[phases[0]!]!.map((p) => p.name);
    out.push(`| process | ${phases.map((p) => `CPU % (${p})`).join(' | ')} | peak RSS MiB |`, `|---|${phases.map(() => '---').join('|')}|---|`);
    for (const nm of names) {
      const cells = phases.map((p) => String(procs[p]!.find((x) => x.name === nm)?.cpuPercent ?? '—'));
      const peak = Math.max(...phases.map((p) => procs[p]!.find((x) => x.name === nm)?.peakRssMiB ?? 0));
      out.push(`| ${nm} | ${cells.join(' | ')} | ${peak} |`);
    }
    out.push('');
    const phase = phases.includes('batch') ? 'batch' : phases[0]!;
    out.push(chart('cpu.svg', barChart(`CPU per process during the ${phase} phase`, '% of one core', procs[phase]!.map((p) => ({ label: p.name, value: p.cpuPercent }))), 'CPU per process'), '');
    out.push(chart('rss.svg', barChart('Peak RSS per process', 'MiB', names.map((nm) => ({ label: nm, value: Math.max(...phases.map((p) => procs[p]!.find((x) => x.name === nm)?.peakRssMiB ?? 0)) }))), 'RSS per process'), '');
  }
  if (r.perInstance) {
    out.push('## Throughput per instance', '', `CPU per event of each process while ${show(Object.values(r.perInstance as Record<string, R>)[0]?.atEventsPerSec)} events/s of single requests flowed (the time-to-alert phase), and what one core of that process alone would carry. \`rules\` is the judge stage (with retro-hunts), \`correlate\` the correlation stage.`, '');
    out.push('| process | CPU ms per event | events/s per core |', '|---|---|---|');
    for (const [nm, x] of Object.entries(r.perInstance as Record<string, R>)) out.push(`| ${nm} | ${x.cpuMsPerEvent} | ${show(x.eventsPerSecPerCore)} |`);
    out.push('');
  }
  if (r.watchlist) {
    const w: R = r.watchlist;
    out.push('## Watchlist', '', `${show(w.entries)} entries loaded from the compacted topic by a rules instance's loader, in a process of its own.`, '');
    out.push('| figure | value |', '|---|---|');
    out.push(`| RSS after load | ${show(wlRss, ' MiB')} |`, `| load time from Kafka | ${show(wlLoad, ' s')} |`);
    for (const [k, v] of Object.entries((w.lookupsPerSec ?? {}) as Record<string, number>)) out.push(`| lookups/s: ${k} | ${show(v)} |`);
    if (w.fuzzy) out.push(`| fuzzy false-hit rate on clean plates | ${w.fuzzy.falseHitRate} |`, `| fuzzy recall on misread plates | ${w.fuzzy.misreadRecall} |`);
    out.push('', `Everything else (live update visibility, the in-process build, index sizes) is in the JSON.`, '');
  }
  if (r.search) {
    const lat = (r.search.latencyMs ?? {}) as Record<string, { p50: number; p95: number; p99: number }>;
    out.push('## Search', '', `${show(r.search.events)} events loaded at ${show(find(r.search.indexing, /docsPerSec/i))} docs/s; latency through the console search API, one request at a time.`, '', '| query | p50 ms | p95 ms | p99 ms |', '|---|---|---|---|');
    for (const [q, p] of Object.entries(lat)) out.push(`| ${q} | ${p.p50} | ${p.p95} | ${p.p99} |`);
    out.push('');
    out.push(chart('search.svg', barChart('Search latency p95', 'ms', Object.entries(lat).map(([q, p]) => ({ label: q, value: p.p95 }))), 'search latency'), '');
  }
  if (r.soak) {
    const k: R = r.soak;
    out.push('## Soak', '', `${k.seconds} s at ${k.rateEventsPerSec} events/s (achieved ${k.achievedRate}): ${show(k.accepted)} accepted, ${k.failed} failed; ${k.plantedHitsSeen} of ${k.plantedHits} planted hits reached the console; ${settledText(k.caughtUpAfterSeconds)}`, '');
    out.push('| process | RSS after warm-up MiB | RSS at end MiB | growth MiB/hour | event-loop lag p99, median / max ms |', '|---|---|---|---|---|');
    for (const [nm, g] of Object.entries(k.perProcess as Record<string, R>)) out.push(`| ${nm} | ${g.rssStartMiB} | ${g.rssEndMiB} | ${g.rssSlopeMiBPerHour} | ${g.eventLoopLagP99MaxMs !== undefined ? `${g.eventLoopLagP99MedianMs} / ${g.eventLoopLagP99MaxMs}` : '—'} |`);
    out.push('');
    const samples = k.samples as Array<{ rssMiB: Record<string, number>; eventLoopLagP99Ms: Record<string, number> }>;
    const colors = ['#4a78b5', '#3a9d5d', '#d08a2b', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#2c3e50'];
    const names = Object.keys(k.perProcess as object);
    out.push(chart('soak-rss.svg', lineChart('RSS over the soak', 'MiB', names.map((nm, i) => ({ label: nm, values: samples.map((x) => x.rssMiB[nm] ?? 0), color: colors[i % colors.length]! }))), 'RSS over the soak'), '');
    const lagNames = names.filter((nm) => samples.some((x) => Number.isFinite(x.eventLoopLagP99Ms[nm])));
    out.push(chart('soak-lag.svg', lineChart('Event-loop lag p99 over the soak', 'ms', lagNames.map((nm, i) => ({ label: nm, values: samples.map((x) => x.eventLoopLagP99Ms[nm] ?? 0), color: colors[i % colors.length]! }))), 'event-loop lag over the soak'), '');
    out.push(`One sample every ${samples.length > 1 ? Math.round(k.seconds / samples.length) : '?'} s (x axis).`, '');
  }
  const file = join(dir, `${base}.md`);
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

/** What the soak's settle phase found: times to catch up, or why they are not known. */
function settledText(c: unknown): string {
  if (typeof c === 'string') return `after the load stopped: ${c}.`;
  const x = c as { judgedSeconds?: number; correlatedSeconds?: number; indexedSeconds?: number; error?: string };
  if (x.error) return `after the load stopped, the pipeline did not catch up: ${x.error}.`;
  return `after the load stopped, every accepted event was judged within ${x.judgedSeconds} s, every sighting correlated within ${x.correlatedSeconds} s and every event in Elasticsearch within ${x.indexedSeconds} s.`;
}
