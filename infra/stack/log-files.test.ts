import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureExcerpt, lastLines, rotateLog, tailFile } from './log-files';

describe('log files', () => {
  it('tail returns the last lines, or everything when the file is shorter', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc');
    expect(lastLines('a\nb', 5)).toBe('a\nb');
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'x.log');
    writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
    expect(tailFile(file, 2)).toBe('line 998\nline 999');
    expect(tailFile(join(file, 'missing'), 2)).toBe('');
  });

  it('keeps the previous run as .1 when a new run starts', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'x.log');
    rotateLog(file);
    expect(existsSync(`${file}.1`)).toBe(false);
    writeFileSync(file, 'crash trace');
    rotateLog(file);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('crash trace');
    expect(existsSync(file)).toBe(false);
  });
});

describe('failure excerpt', () => {
  it('shows the error that caused a death even when shutdown chatter fills the tail', () => {
    const log = ['INFO starting', 'ERROR [KafkaServer] Fatal error: Address already in use', ...Array.from({ length: 50 }, (_, i) => `INFO shutting down ${i}`)].join('\n');
    const excerpt = failureExcerpt(log, 8, 5);
    expect(excerpt.split('\n')[0]).toBe('ERROR [KafkaServer] Fatal error: Address already in use');
    expect(excerpt.endsWith('INFO shutting down 49')).toBe(true);
    expect(excerpt).not.toContain('shutting down 10');
  });

  it('is just the tail when there is no error line', () => {
    expect(failureExcerpt('a\nb\nc', 8, 2)).toBe('b\nc');
  });
});
