import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { onPath, runSync } from './processes';
import { StackError } from './stack-error';

export interface RunAs {
  user: string;
  /** Set only when root has to drop to an unprivileged user. */
  uid?: number;
  gid?: number;
}

/** Elasticsearch refuses to run as root, with no override: root runs it as this system user. */
export const DEFAULT_ES_USER = 'cistack';

function idOf(user: string, flag: '-u' | '-g'): number | undefined {
  const res = runSync('id', [flag, user]);
  const n = Number(res.output.trim());
  return res.ok && Number.isInteger(n) ? n : undefined;
}

/**
 * Who runs Elasticsearch: the current user, or for root an unprivileged system user (created with
 * `useradd --system` the first time).
 */
export function elasticsearchRunAs(env: Record<string, string | undefined> = process.env): RunAs {
  if (process.getuid?.() !== 0) return { user: userInfo().username };
  const user = env.STACK_ES_USER || DEFAULT_ES_USER;
  if (idOf(user, '-u') === undefined) {
    const attempts: Array<[string, string[]]> = [
      ['useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', user]],
      ['adduser', ['-S', '-D', '-H', user]],
    ];
    const outputs: string[] = [];
    for (const [cmd, args] of attempts) {
      if (!onPath(cmd)) continue;
      const res = runSync(cmd, args);
      outputs.push(`${cmd}: ${res.output.trim()}`);
      if (res.ok) break;
    }
    if (idOf(user, '-u') === undefined) {
      throw new StackError('USER_SETUP_FAILED', `Elasticsearch cannot run as root and creating the system user "${user}" failed (${outputs.join(' | ') || 'neither useradd nor adduser exists'}). Create it yourself or set STACK_ES_USER to an existing unprivileged user.`);
    }
  }
  const uid = idOf(user, '-u');
  const gid = idOf(user, '-g');
  if (uid === undefined || gid === undefined) throw new StackError('USER_SETUP_FAILED', `cannot read uid/gid of user "${user}"`);
  return { user, uid, gid };
}

/** Hands Elasticsearch's own directories to the user that runs it. */
export function chownTree(dirs: string[], runAs: RunAs): void {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  const res = runSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, ...dirs]);
  if (!res.ok) throw new StackError('USER_SETUP_FAILED', `chown of ${dirs.join(', ')} to ${runAs.user} failed: ${res.output.trim()}`);
}

/**
 * Checks, as the engine's user, that it can read the distribution and write its directories. Fails
 * early with the fix instead of a Java stack trace: every parent of the stack root must be
 * traversable (o+x) by that user, which is not the case under e.g. /root.
 */
export function checkAccess(runAs: RunAs, readable: string[], writable: string[]): void {
  if (runAs.uid === undefined) return;
  const tests = [...readable.map((p) => `test -r "${p}" -a -x "${p}" || echo "cannot read ${p}"`), ...writable.map((p) => `test -w "${p}" -a -x "${p}" || echo "cannot write ${p}"`)];
  const res = spawnSync('sh', ['-c', tests.join('\n')], { uid: runAs.uid, gid: runAs.gid, encoding: 'utf8' });
  const problems = `${res.stdout ?? ''}${res.error ? String(res.error) : ''}`.trim();
  if (problems) {
    throw new StackError(
      'USER_SETUP_FAILED',
      `Elasticsearch runs as "${runAs.user}", which ${problems.split('\n').join('; ')}. Make every parent directory traversable (chmod o+x) or move the stack with STACK_ROOT=/var/tmp/checkpoint-stack.`,
    );
  }
}
