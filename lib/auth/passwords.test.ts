import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { createAccountStore } from './accounts';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const pw = generatePassword();
    const hash = await hashPassword(pw);
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(hash).not.toContain(pw);
    expect(await verifyPassword(pw, hash)).toBe(true);
    expect(await verifyPassword(`${pw}x`, hash)).toBe(false);
  });

  it('authenticates an account, and not a disabled one or an unknown user', async () => {
    const hash = await hashPassword('correct horse');
    const store = createAccountStore([
      { username: 'a', passwordHash: hash, role: 'admin', jurisdiction: '140000', disabled: false },
      { username: 'b', passwordHash: hash, role: 'admin', jurisdiction: '140000', disabled: true },
    ]);
    expect((await store.authenticate('a', 'correct horse'))?.username).toBe('a');
    expect(await store.authenticate('b', 'correct horse')).toBeUndefined();
    expect(await store.authenticate('nobody', 'correct horse')).toBeUndefined();
  });
});
