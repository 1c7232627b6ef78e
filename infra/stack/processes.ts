import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PidRecord } from './pid-file';
import { rotateLog } from './log-files';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks; fields[] begins at field 4), or null where /proc does not exist. */
export function procStartTime(pid: number): string | null {
  const stat = procStat(pid);
  return stat ? (stat.fields[18] ?? null) : null;
}

function procStat(pid: number): { state: string; fields: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '?', fields: rest.slice(1) };
}

/**
 * True when every thread of the process is stopped (state T: SIGSTOP takes effect a thread at a time, after
 * `kill` returns). Where /proc does not exist: true.
 */
export function allThreadsStopped(pid: number): boolean {
  if (!existsSync('/proc')) return true;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tasks.every((t) => {
    try {
      const text = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).startsWith('T');
    } catch {
      return true; // the thread has exited
    }
  });
}

/** True when a process with this pid exists and is not a zombie. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** The recorded engine is still the process that holds this pid (not a reused pid). */
export function isRecordAlive(record: PidRecord): boolean {
  if (!pidExists(record.pid)) return false;
  if (record.startTime === null || !existsSync('/proc')) return true;
  return procStartTime(record.pid) === record.startTime;
}

/**
 * Members of the engine's process group outlived its leader (e.g. the Elasticsearch server JVM after
 * its launcher was killed). Only asked when the leader's pid is gone entirely, since Linux does not
 * hand out a pid while a group of that id still exists: the survivors are then ours.
 */
export function orphansRemain(record: PidRecord): boolean {
  return !pidExists(record.pid) && groupExists(record.pid);
}

/** True while any process of the group `pgid` exists (zombies of a dead leader included). */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true; false after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

export interface DetachedSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
  /** Run as this user (root starting Elasticsearch). */
  uid?: number;
  gid?: number;
}

/**
 * Starts a process in its own session with stdout/stderr appended to `logFile`, not tied to this
 * process: it keeps running after `npm run stack:start` exits, and it can be killed as a group.
 */
export function spawnDetached(spec: DetachedSpec): { pid: number; startTime: string | null } {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  rotateLog(spec.logFile);
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      uid: spec.uid,
      gid: spec.gid,
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    // Without this the parent's event loop would wait for the engine to exit.
    child.unref();
    child.on('error', () => undefined);
    return { pid: child.pid, startTime: procStartTime(child.pid) };
  } finally {
    closeSync(fd);
  }
}

/** Runs a short command to completion; output captured for error messages. */
export function runSync(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): { ok: boolean; output: string } {
  const res = spawnSync(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeoutMs ?? 600_000 });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? String(res.error) : ''}`;
  return { ok: res.status === 0 && !res.error, output };
}

/** True when `command` can be found on PATH. */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return spawnSync('/bin/sh', ['-c', `command -v "${command}"`], { stdio: 'ignore', env }).status === 0;
}
