import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseSsOwner, portAcceptsConnections } from './ports';

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
