import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withStackLock } from './lock';
import { sleep } from './processes';

describe('stack lock', () => {
  it('runs callers one at a time', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'stack.lock');
    const events: string[] = [];
    const job = (name: string) =>
      withStackLock(file, () => undefined, async () => {
        events.push(`${name}:in`);
        await sleep(100);
        events.push(`${name}:out`);
      });
    await Promise.all([job('a'), job('b')]);
    expect(events).toEqual(['a:in', 'a:out', 'b:in', 'b:out']);
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'stack.lock');
    writeFileSync(file, '4000000');
    await expect(withStackLock(file, () => undefined, async () => 'ran', 2_000)).resolves.toBe('ran');
  });

  it('gives up with a clear error when a live process holds it too long', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'stack.lock');
    writeFileSync(file, String(process.ppid));
    await expect(withStackLock(file, () => undefined, async () => 'ran', 300)).rejects.toThrow(/another stack command/);
  });
});
