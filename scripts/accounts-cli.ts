/**
 * Account administration from a shell (docs/SECURITY.md). Every command but `init-file` goes through the
 * console's admin API, so it is authorised and audited exactly like the web console:
 *
 *   CONSOLE_URL=http://127.0.0.1:8090 ADMIN_USER=admin ADMIN_PASSWORD=… npx tsx scripts/accounts-cli.ts <command>
 *   (or CONSOLE_TOKEN=<bearer token> instead of ADMIN_USER / ADMIN_PASSWORD)
 *
 *   list
 *   create <username> --role <role> --jurisdiction <code> [--checkpoint <id>]   (prints the generated password)
 *   disable <username> | enable <username>
 *   reset-password <username>                                                  (prints the new password)
 *   set <username> [--role <role>] [--jurisdiction <code>] [--checkpoint <id> | --no-checkpoint]
 *   revoke-tokens <username> | revoke-token <username> <jti>
 *   grants | grant --grantee <username> --jurisdiction <code> --case <no> [--days <n> | --until <iso>] [--reason <text>]
 *   revoke-grant <grantId>
 *
 * `init-file --file <path> <username> --role … --jurisdiction …` writes a hashed account into an accounts seed
 * file (ACCOUNTS_FILE) without any service running: how the first admin of a production install is made.
 * Exit codes: 0 done, 1 refused by the console (problem+json printed), 2 usage or connection error.
 */
import { parseArgs } from 'node:util';
import { createAccountStore, loadAccountsFile, writeAccountsFile, Account } from '../lib/auth/accounts';
import { generatePassword, hashPassword } from '../lib/auth/passwords';

class UsageError extends Error {}

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' },
    jurisdiction: { type: 'string' },
    checkpoint: { type: 'string' },
    'no-checkpoint': { type: 'boolean' },
    file: { type: 'string' },
    grantee: { type: 'string' },
    case: { type: 'string' },
    days: { type: 'string' },
    until: { type: 'string' },
    reason: { type: 'string' },
  },
});
const [command, ...args] = positionals;
const arg = (i: number, name: string): string => {
  const v = args[i];
  if (!v) throw new UsageError(`${command}: missing <${name}>`);
  return v;
};
const out = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

async function initFile(): Promise<void> {
  if (!opt.file) throw new UsageError('init-file needs --file <accounts file>');
  const existing = loadAccountsFile(opt.file, { demoMode: true });
  const username = arg(0, 'username');
  if (createAccountStore(existing).find(username)) throw new UsageError(`${username} is already in ${opt.file}`);
  const password = generatePassword();
  const account = Account.parse({ username, passwordHash: await hashPassword(password), role: opt.role, jurisdiction: opt.jurisdiction, ...(opt.checkpoint ? { checkpointId: opt.checkpoint } : {}) });
  await writeAccountsFile(opt.file, [...existing, account]);
  out({ file: opt.file, account: { username, role: account.role, jurisdiction: account.jurisdiction }, password });
}

async function api(): Promise<(method: string, path: string, body?: unknown) => Promise<unknown>> {
  const base = (process.env.CONSOLE_URL ?? 'http://127.0.0.1:8090').replace(/\/$/, '');
  let token = process.env.CONSOLE_TOKEN;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const json: unknown = await res.json().catch(() => ({}));
    if (!res.ok) {
      process.stderr.write(`${JSON.stringify(json, null, 2)}\n`);
      process.exit(1);
    }
    return json;
  };
  if (!token) {
    if (!process.env.ADMIN_USER || !process.env.ADMIN_PASSWORD) throw new UsageError('set CONSOLE_TOKEN, or ADMIN_USER and ADMIN_PASSWORD');
    token = ((await call('POST', '/api/v1/auth/token', { username: process.env.ADMIN_USER, password: process.env.ADMIN_PASSWORD })) as { token: string }).token;
  }
  return call;
}

async function main(): Promise<void> {
  if (command === 'init-file') return initFile();
  const call = await api();
  const u = () => encodeURIComponent(arg(0, 'username'));
  switch (command) {
    case 'list':
      return out(await call('GET', '/api/v1/accounts'));
    case 'create':
      return out(await call('POST', '/api/v1/accounts', { username: arg(0, 'username'), role: opt.role, jurisdiction: opt.jurisdiction, ...(opt.checkpoint ? { checkpointId: opt.checkpoint } : {}) }));
    case 'disable':
    case 'enable':
      return out(await call('PATCH', `/api/v1/accounts/${u()}`, { disabled: command === 'disable' }));
    case 'set':
      return out(await call('PATCH', `/api/v1/accounts/${u()}`, { ...(opt.role ? { role: opt.role } : {}), ...(opt.jurisdiction ? { jurisdiction: opt.jurisdiction } : {}), ...(opt.checkpoint ? { checkpointId: opt.checkpoint } : {}), ...(opt['no-checkpoint'] ? { checkpointId: null } : {}) }));
    case 'reset-password':
      return out(await call('POST', `/api/v1/accounts/${u()}/password`, {}));
    case 'revoke-tokens':
      return out(await call('POST', `/api/v1/accounts/${u()}/revoke-tokens`, {}));
    case 'revoke-token':
      return out(await call('POST', '/api/v1/auth/revoke', { username: arg(0, 'username'), jti: arg(1, 'jti') }));
    case 'grants':
      return out(await call('GET', '/api/v1/grants'));
    case 'grant': {
      const until = opt.until ?? new Date(Date.now() + Number(opt.days ?? '7') * 86_400_000).toISOString();
      return out(await call('POST', '/api/v1/grants', { grantee: opt.grantee, jurisdiction: opt.jurisdiction, caseNumber: opt.case, validUntil: until, ...(opt.reason ? { reason: opt.reason } : {}) }));
    }
    case 'revoke-grant':
      return out(await call('DELETE', `/api/v1/grants/${encodeURIComponent(arg(0, 'grantId'))}`));
    default:
      throw new UsageError(`unknown command ${command ?? '(none)'}; see the header of scripts/accounts-cli.ts`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`accounts-cli: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
