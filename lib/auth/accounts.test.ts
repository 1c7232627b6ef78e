import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDemoAccounts, loadAccountsFile, writeAccountsFile } from './accounts';

describe('accounts file', () => {
  it('loads demo accounts only in demo mode', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'accounts-')), 'accounts.json');
    const { accounts } = await createDemoAccounts([{ checkpointId: 'CP-140882-G5-01', jurisdiction: '140882' }]);
    const real = { ...accounts[0]!, username: 'real.admin', demo: undefined };
    await writeAccountsFile(file, [...accounts, real]);
    expect(loadAccountsFile(file).map((a) => a.username)).toEqual(['real.admin']);
    expect(loadAccountsFile(file, { demoMode: true })).toHaveLength(accounts.length + 1);
  });
});
