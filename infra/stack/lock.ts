import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pidExists, sleep } from './processes';
import { StackError } from './stack-error';

function tryAcquire(file: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function holder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Serialises stack commands across processes (a developer's `stack:start` and a test run's global
 * setup may race). A lock left by a process that died is taken over.
 */
export async function withStackLock<T>(file: string, log: (m: string) => void, fn: () => Promise<T>, timeoutMs = 10 * 60_000): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let told = false;
  while (!tryAcquire(file)) {
    const pid = holder(file);
    // An empty file is a lock being written right now, unless it has been empty for a while.
    const abandoned = pid === undefined ? Date.now() - mtimeMs(file) > 5_000 : !pidExists(pid);
    if (abandoned) {
      rmSync(file, { force: true });
      continue;
    }
    if (!told) {
      log(`waiting for another stack command (pid ${pid ?? '?'}) to finish`);
      told = true;
    }
    if (Date.now() > deadline) throw new StackError('LOCK_TIMEOUT', `another stack command (pid ${pid ?? '?'}) has held ${file} for ${timeoutMs / 1000} s`);
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
