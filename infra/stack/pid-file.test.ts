import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePidRecord, readPidFile, removePidFile, writePidFile, type PidRecord } from './pid-file';

const record: PidRecord = { name: 'kafka-1', pid: 4242, startTime: '123', port: 19092, brokers: 1, dataDir: '/d', startedAt: '2026-01-01T00:00:00.000Z' };

describe('pid files', () => {
  it('round-trip a record through a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pid-')), 'run', 'kafka-1.pid');
    writePidFile(file, record);
    expect(readPidFile(file)).toEqual(record);
    removePidFile(file);
    expect(readPidFile(file)).toBeUndefined();
  });

  it('treat a truncated, foreign or invalid file as no record', () => {
    expect(parsePidRecord('{"name":"kafka-1","pid":')).toBeUndefined();
    expect(parsePidRecord('4242\n')).toBeUndefined();
    expect(parsePidRecord(JSON.stringify({ ...record, name: 'zookeeper' }))).toBeUndefined();
    expect(parsePidRecord(JSON.stringify({ ...record, pid: -1 }))).toBeUndefined();
    const file = join(mkdtempSync(join(tmpdir(), 'pid-')), 'x.pid');
    writeFileSync(file, '');
    expect(readPidFile(file)).toBeUndefined();
  });
});
