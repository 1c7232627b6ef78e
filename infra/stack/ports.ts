import { connect } from 'node:net';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/** `32768\t60999` → [32768, 60999]; undefined when unreadable (not Linux). */
export function parsePortRange(text: string): [number, number] | undefined {
  const [lo, hi] = text.trim().split(/\s+/).map(Number);
  return lo !== undefined && hi !== undefined && Number.isInteger(lo) && Number.isInteger(hi) ? [lo, hi] : undefined;
}

/**
 * Ports among `ports` that the kernel also hands out to outgoing connections: an engine bound there
 * fails at random with "Address already in use" when a client socket got the port first.
 */
export function ephemeralPorts(ports: number[], rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): number[] {
  let range: [number, number] | undefined;
  try {
    range = parsePortRange(readFileSync(rangeFile, 'utf8'));
  } catch {
    return [];
  }
  return range ? ports.filter((p) => p >= range[0] && p <= range[1]) : [];
}
