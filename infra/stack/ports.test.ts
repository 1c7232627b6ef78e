import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPorts, parseSsOwner, portAcceptsConnections } from './ports';

describe('ports', () => {
  it('sees a listening port as taken and a closed one as free', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    expect(await portAcceptsConnections(port)).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await portAcceptsConnections(port)).toBe(false);
  });

  it('names the process that holds a port from ss output', () => {
    expect(parseSsOwner('LISTEN 0 50 [::ffff:127.0.0.1]:19092 *:* users:(("java",pid=7232,fd=339))')).toBe('java (pid 7232)');
    expect(parseSsOwner('')).toBeUndefined();
  });
});

describe('ephemeral ports', () => {
  it('flags planned ports inside the kernel range for outgoing connections', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'range-')), 'range');
    writeFileSync(file, '32768\t60999\n');
    expect(ephemeralPorts([19092, 19200, 49092, 60999, 61000], file)).toEqual([49092, 60999]);
    expect(ephemeralPorts([49092], join(file, 'missing'))).toEqual([]);
  });
});
