import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and RSS of named process trees, read from /proc (Linux). A "tree" is a root pid and all its
 * descendants, so an engine launched through a wrapper (Elasticsearch's CLI JVM starts the server JVM) or a
 * service run through tsx (node + esbuild) is counted whole.
 */
export interface Watched {
  name: string;
  pid: number;
  /** Count only this process, not its descendants (the bench itself, whose children are the services). */
  alone?: boolean;
}

export interface ProcessFigures {
  name: string;
  /** Mean CPU over the sampled window, in percent of one core (200 % = both cores of a 2-core machine). */
  cpuPercent: number;
  /** Peak resident set size over the window. */
  peakRssMiB: number;
  /** Resident set size at the end of the window. */
  endRssMiB: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux this runs on (getconf CLK_TCK).

interface Stat {
  ppid: number;
  ticks: number;
  rssPages: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) };
  } catch {
    return undefined; // gone
  }
}

function allStats(): Map<number, Stat> {
  const out = new Map<number, Stat>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = readStat(Number(d));
    if (s) out.set(Number(d), s);
  }
  return out;
}

function treeOf(root: number, stats: Map<number, Stat>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out: number[] = [];
  const todo = stats.has(root) ? [root] : [];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The direct children of `pid` whose command line matches, e.g. the services a supervisor started. */
export function childrenMatching(pid: number, pattern: RegExp): Array<{ pid: number; match: RegExpMatchArray }> {
  const out: Array<{ pid: number; match: RegExpMatchArray }> = [];
  for (const child of treeOf(pid, allStats())) {
    if (child === pid) continue;
    try {
      const cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ');
      const m = cmd.match(pattern);
      if (m) out.push({ pid: child, match: m });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Resident set size (MiB) and cumulative CPU seconds of each watched tree right now. */
export function snapshotProcesses(watched: Watched[]): Array<{ name: string; rssMiB: number; cpuSeconds: number; alive: boolean }> {
  const stats = allStats();
  return watched.map((w) => {
    const pids = w.alone ? [w.pid].filter((x) => stats.has(x)) : treeOf(w.pid, stats);
    const ticks = pids.reduce((n, p) => n + stats.get(p)!.ticks, 0);
    const pages = pids.reduce((n, p) => n + stats.get(p)!.rssPages, 0);
    return { name: w.name, rssMiB: Math.round((pages * 4096) / 2 ** 20), cpuSeconds: ticks / TICKS_PER_SECOND, alive: pids.length > 0 };
  });
}

/**
 * Samples the watched trees every `intervalMs` until `stop()`; `stop()` returns per-name figures for the window.
 * Cheap enough (one /proc scan a second) not to disturb what it measures.
 */
export function sampleProcesses(watched: Watched[], intervalMs = 1000): { stop: () => ProcessFigures[] } {
  const pageMiB = 4096 / 2 ** 20;
  const first = new Map<string, { ticks: number; at: number }>();
  const last = new Map<string, { ticks: number; at: number; rss: number }>();
  const peak = new Map<string, number>();
  const take = () => {
    const stats = allStats();
    const at = performance.now();
    for (const w of watched) {
      let ticks = 0;
      let rss = 0;
      for (const p of w.alone ? [w.pid].filter((x) => stats.has(x)) : treeOf(w.pid, stats)) {
        const s = stats.get(p)!;
        ticks += s.ticks;
        rss += s.rssPages;
      }
      if (!first.has(w.name)) first.set(w.name, { ticks, at });
      last.set(w.name, { ticks, at, rss: rss * pageMiB });
      peak.set(w.name, Math.max(peak.get(w.name) ?? 0, rss * pageMiB));
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return watched.map((w) => {
        const a = first.get(w.name)!;
        const b = last.get(w.name)!;
        const seconds = (b.at - a.at) / 1000;
        const cpu = seconds > 0 ? ((b.ticks - a.ticks) / TICKS_PER_SECOND / seconds) * 100 : 0;
        return { name: w.name, cpuPercent: Math.round(cpu), peakRssMiB: Math.round(peak.get(w.name) ?? 0), endRssMiB: Math.round(b.rss) };
      });
    },
  };
}
