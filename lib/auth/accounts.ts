import { readFileSync, existsSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { ROLES } from './tokens';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { safeParse } from '../../schemas/src';

export const Account = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  passwordHash: z.string().startsWith('scrypt$'),
  role: z.enum(ROLES),
  jurisdiction: z.string().regex(/^\d{6}$/),
  checkpointId: z.string().max(40).optional(),
  disabled: z.boolean().default(false),
  /** Made by `npm start` in demo mode; never loaded outside demo mode (the passwords are in demo-credentials.json). */
  demo: z.boolean().optional(),
});
export type Account = z.infer<typeof Account>;
const AccountsFile = z.object({ accounts: z.array(Account) });

export interface AccountStore {
  find(username: string): Account | undefined;
  /** Constant work whether or not the user exists, so timing does not reveal usernames. */
  authenticate(username: string, password: string): Promise<Account | undefined>;
  list(): Account[];
  /** Replaces (or adds) an account: changes made through the admin API, read back from `access.v1`. */
  put(account: Account): void;
}

// Verified against when the user does not exist, to keep the timing of both answers the same.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function createAccountStore(accounts: Account[]): AccountStore {
  const byName = new Map(accounts.map((a) => [a.username, a]));
  return {
    find: (u) => byName.get(u),
    async authenticate(username, password) {
      const acc = byName.get(username);
      const ok = await verifyPassword(password, acc?.passwordHash ?? DUMMY_HASH);
      return ok && acc && !acc.disabled ? acc : undefined;
    },
    list: () => [...byName.values()],
    put: (a) => void byName.set(a.username, a),
  };
}

/**
 * Reads `{accounts:[…]}` with hashed passwords; a missing file means no accounts (no default credentials).
 * Demo accounts (`demo: true`) are dropped unless `demoMode`, so a file left over from a demo run does not
 * open a production start to passwords printed on a screen.
 */
export function loadAccountsFile(path: string, opts: { demoMode?: boolean } = {}): Account[] {
  if (!existsSync(path)) return [];
  const parsed = safeParse(AccountsFile, JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`accounts file ${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.accounts.filter((a) => opts.demoMode === true || a.demo !== true);
}

export async function writeAccountsFile(path: string, accounts: Account[]): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify({ accounts }, null, 2), { mode: 0o600 });
  await rename(tmp, path);
}

export interface DemoUser {
  username: string;
  password: string;
  role: Account['role'];
  jurisdiction: string;
  checkpointId?: string;
}

/** Demo accounts for every role; officers are bound to the given demo checkpoints. Demo mode only. */
export async function createDemoAccounts(officerCheckpoints: Array<{ checkpointId: string; jurisdiction: string }>): Promise<{ users: DemoUser[]; accounts: Account[] }> {
  const users: DemoUser[] = [
    { username: 'commander', password: generatePassword(), role: 'commander', jurisdiction: '140000' },
    { username: 'commander.yunnan', password: generatePassword(), role: 'commander', jurisdiction: '530000' },
    { username: 'investigator', password: generatePassword(), role: 'investigator', jurisdiction: '140000' },
    { username: 'admin', password: generatePassword(), role: 'admin', jurisdiction: '140000' },
    { username: 'auditor', password: generatePassword(), role: 'auditor', jurisdiction: '140000' },
    ...officerCheckpoints.map((c, i) => ({
      username: `officer${i + 1}`,
      password: generatePassword(),
      role: 'officer' as const,
      jurisdiction: c.jurisdiction,
      checkpointId: c.checkpointId,
    })),
  ];
  const accounts = await Promise.all(
    users.map(async (u) => ({
      username: u.username,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      jurisdiction: u.jurisdiction,
      ...(u.checkpointId ? { checkpointId: u.checkpointId } : {}),
      disabled: false,
      demo: true,
    })),
  );
  return { users, accounts };
}
