import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PidRecord } from './pid-file';
import { allThreadsStopped, groupExists, isRecordAlive, orphansRemain, pidExists, procStartTime, signalGroup, spawnDetached, waitUntil } from './processes';

const base: Omit<PidRecord, 'pid' | 'startTime'> = { name: 'kafka-1', port: 1, brokers: 1, dataDir: '/d', startedAt: '' };

describe('process liveness', () => {
  it('knows this process is alive with its recorded start time', () => {
    expect(isRecordAlive({ ...base, pid: process.pid, startTime: procStartTime(process.pid) })).toBe(true);
  });

  it('treats a live pid with another start time as a reused pid, not the engine', () => {
    expect(isRecordAlive({ ...base, pid: process.pid, startTime: 'not-the-start-time' })).toBe(false);
  });

  it('treats a pid that no process holds as dead', () => {
    expect(pidExists(4_000_000)).toBe(false);
    expect(isRecordAlive({ ...base, pid: 4_000_000, startTime: null })).toBe(false);
  });
});

describe('detached processes', () => {
  it('keep running in their own group with output in the log file, and die with their group', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'proc-')), 'x.log');
    // The shell starts a child in the same group, like the Elasticsearch launcher does with its server.
    const { pid, startTime } = spawnDetached({ command: 'sh', args: ['-c', 'echo started; sleep 30 & wait'], logFile: log });
    const rec: PidRecord = { ...base, pid, startTime };
    expect(await waitUntil(() => readFileSync(log, 'utf8').includes('started'), 5_000, 50)).toBe(true);
    expect(isRecordAlive(rec)).toBe(true);
    expect(groupExists(pid)).toBe(true);
    signalGroup(pid, 'SIGKILL');
    expect(await waitUntil(() => !pidExists(pid) && !groupExists(pid), 5_000, 50)).toBe(true);
    expect(isRecordAlive(rec)).toBe(false);
    expect(orphansRemain(rec)).toBe(false);
  });

  it('report orphans when the leader dies but its children live on', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'proc-')), 'x.log');
    const { pid, startTime } = spawnDetached({ command: 'sh', args: ['-c', 'sleep 30 & echo $!; wait'], logFile: log });
    expect(await waitUntil(() => readFileSync(log, 'utf8').trim() !== '', 5_000, 50)).toBe(true);
    process.kill(pid, 'SIGKILL');
    const rec: PidRecord = { ...base, pid, startTime };
    expect(await waitUntil(() => !pidExists(pid), 5_000, 50)).toBe(true);
    expect(orphansRemain(rec)).toBe(true);
    signalGroup(pid, 'SIGKILL');
    expect(await waitUntil(() => !orphansRemain(rec), 5_000, 50)).toBe(true);
  });

  it('tell when every thread of a stopped process has stopped, and not before or after', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'proc-')), 'x.log');
    // A process with several threads: node with a worker.
    const { pid } = spawnDetached({ command: process.execPath, args: ['-e', "new (require('node:worker_threads').Worker)('setInterval(() => {}, 1000)', { eval: true }); console.log('up'); setInterval(() => {}, 1000)"], logFile: log });
    try {
      expect(await waitUntil(() => readFileSync(log, 'utf8').includes('up'), 10_000, 50)).toBe(true);
      expect(allThreadsStopped(pid)).toBe(false);
      signalGroup(pid, 'SIGSTOP');
      expect(await waitUntil(() => allThreadsStopped(pid), 5_000, 20)).toBe(true);
      signalGroup(pid, 'SIGCONT');
      expect(await waitUntil(() => !allThreadsStopped(pid), 5_000, 20)).toBe(true);
    } finally {
      signalGroup(pid, 'SIGKILL');
    }
  });
});
