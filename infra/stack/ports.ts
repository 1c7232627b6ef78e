import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';

/** True when something on 127.0.0.1 accepts TCP connections on `port`. */
export function portAcceptsConnections(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `users:(("java",pid=123,fd=4))` in `ss -p` output → "java (pid 123)". */
export function parseSsOwner(ssOutput: string): string | undefined {
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(ssOutput);
  return m ? `${m[1]} (pid ${m[2]})` : undefined;
}

/** Best effort: which process listens on `port`, for the "port taken" message. */
export function portOwner(port: number): string | undefined {
  const res = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  return res.status === 0 ? parseSsOwner(res.stdout) : undefined;
}
