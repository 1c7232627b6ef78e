import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { writeAccountsFile } from '../../lib/auth/accounts';
import { createDemoAccounts, type DemoUser } from '../../lib/auth/accounts';
import { hashPassword, generatePassword } from '../../lib/auth/passwords';
import { topicNames } from '../../infra/topics';
import { createRandom, residentId } from '../simulator/generate';

/**
 * What a chaos run needs before any service starts: the engines' binaries shared with the main stack,
 * accounts (the demo officers plus one national commander whose live feed sees every hit), and a
 * watchlist: the demo entries plus persons planted one by one during the run.
 */
export function linkEngines(stackRoot: string, repoRoot: string): void {
  mkdirSync(stackRoot, { recursive: true });
  const engines = join(stackRoot, 'engines');
  const shared = join(process.env.SHARED_STACK_ROOT ?? join(repoRoot, '.local'), 'engines');
  // Without the link a new root downloads the engines (~150 MB) on its own.
  if (!existsSync(engines) && existsSync(shared)) symlinkSync(shared, engines, 'dir');
}

export interface ChaosAccounts {
  file: string;
  authSecret: string;
  officers: DemoUser[];
  commander: DemoUser;
}

export async function writeChaosAccounts(dir: string, repoRoot: string): Promise<ChaosAccounts> {
  const ref = JSON.parse(readFileSync(join(repoRoot, 'infra/demo/checkpoints.json'), 'utf8')) as { checkpoints: Array<{ checkpointId: string; jurisdiction: string }> };
  const { users, accounts } = await createDemoAccounts(ref.checkpoints.map((c) => ({ checkpointId: c.checkpointId, jurisdiction: c.jurisdiction })));
  const commander: DemoUser = { username: 'chaos.commander', password: generatePassword(), role: 'commander', jurisdiction: '000000' };
  accounts.push({ username: commander.username, passwordHash: await hashPassword(commander.password), role: 'commander', jurisdiction: '000000', disabled: false, demo: true });
  const file = join(dir, 'accounts.json');
  await writeAccountsFile(file, accounts);
  return { file, authSecret: randomBytes(32).toString('base64url'), officers: users.filter((u) => u.role === 'officer' && u.checkpointId), commander };
}

/** Seeds the demo watchlist and `plantCount` fugitives (returned: their resident ids) onto the compacted topic. */
export async function seedWatchlist(kafka: Kafka, prefix: string, repoRoot: string, plantCount: number, seed: number): Promise<string[]> {
  const r = createRandom(seed);
  const now = new Date().toISOString();
  const demo = readFileSync(join(repoRoot, 'infra/demo/watchlist.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { entryId: string });
  const keys = new Set<string>();
  while (keys.size < plantCount) keys.add(residentId(r, r.pick(['530621', '530602', '510104', '140882', '140302', '150602', '520502'])));
  const planted = [...keys].map((key, i) => ({
    ...demo[0]!,
    entryId: `WL-CHAOS-${String(i + 1).padStart(5, '0')}`,
    key,
    category: 'fugitive',
    severity: 'high',
    reason: 'chaos run: planted fugitive',
  }));
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const entries = [...demo, ...planted];
  for (let i = 0; i < entries.length; i += 500) {
    await producer.send({
      topic: topicNames(prefix).watchlist,
      acks: -1,
      messages: entries.slice(i, i + 500).map((e) => ({ key: e.entryId, value: JSON.stringify({ ...e, version: 1, provenance: { source: 'seed', by: 'chaos', at: now } }) })),
    });
  }
  await producer.disconnect();
  return [...keys];
}
