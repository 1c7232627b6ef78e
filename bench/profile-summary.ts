import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Where a service's CPU goes, from the V8 CPU profiles `BENCH_PROFILE=1 npm run bench -- --only e2e` writes to
 * `.local/profiles/` (one per service process): self time by function and by package or project file, so a
 * bottleneck is named in a terminal without opening DevTools.
 *
 *   npx tsx bench/profile-summary.ts [--dir .local/profiles] [--top 25] [file.cpuprofile …]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string', default: '.local/profiles' }, top: { type: 'string', default: '25' } },
});
const top = Number(args.top);

/** A package name for node_modules paths, a repo-relative file otherwise, `(native)` for V8 and Node internals. */
export function owner(url: string, root = process.cwd()): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith('node:')) return path;
  return relative(root, path) || path;
}

export function summarise(profile: Profile) {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const n of profile.nodes) {
    const us = selfUs.get(n.id) ?? 0;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const o = ['(garbage collector)', '(program)'].includes(name) ? name : owner(n.callFrame.url);
    byOwner.set(o, (byOwner.get(o) ?? 0) + us);
    const key = `${name} ${o}:${n.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => ({ name: k, ms: Math.round(us / 1000), share: total ? Math.round((1000 * us) / total) / 10 : 0 }));
  return { wallSeconds: (profile.endTime - profile.startTime) / 1e6, busySeconds: total / 1e6, idleSeconds: idle / 1e6, byOwner: rank(byOwner), byFunction: rank(byFunction) };
}

function main() {
  const files = positionals.length
    ? positionals
    : readdirSync(args.dir!)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(args.dir!, f))
        .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  if (!files.length) {
    console.error(`no .cpuprofile files in ${args.dir}: run BENCH_PROFILE=1 npm run bench -- --only e2e first`);
    process.exit(2);
  }
  for (const f of files) {
    const s = summarise(JSON.parse(readFileSync(f, 'utf8')) as Profile);
    console.log(`\n## ${f}: ${s.busySeconds.toFixed(1)} s busy of ${s.wallSeconds.toFixed(1)} s`);
    console.log('  by package / file (self time):');
    for (const r of s.byOwner) console.log(`    ${String(r.share).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}`);
    console.log('  by function (self time):');
    for (const r of s.byFunction) console.log(`    ${String(r.share).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
