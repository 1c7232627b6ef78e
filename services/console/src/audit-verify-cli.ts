import { z } from 'zod';
import { loadConfig, platformEnv } from '../../../lib/config';
import { createElasticsearch } from '../../../lib/elasticsearch';
import { verifyAuditIndex } from './audit-verify';

/**
 * `npx tsx services/console/src/audit-verify-cli.ts` — verifies every audit chain stored in Elasticsearch
 * (ES_URL, ES_INDEX_PREFIX). Prints the result as JSON; exit 0 when intact, 1 at the first break, 2 when
 * the check could not run.
 */
const config = loadConfig(z.object({ ES_URL: platformEnv.ES_URL, ES_INDEX_PREFIX: platformEnv.ES_INDEX_PREFIX }), process.env);
const es = createElasticsearch(config.ES_URL);
try {
  const result = await verifyAuditIndex(es, config.ES_INDEX_PREFIX);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (result.firstBreak) process.stderr.write(`audit chain ${result.firstBreak.chainId} breaks at seq ${result.firstBreak.seq} (${result.firstBreak.recordId}): ${result.firstBreak.reason}\n`);
  process.exitCode = result.ok ? 0 : 1;
} catch (err) {
  process.stderr.write(`audit verification could not run: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
} finally {
  await es.close();
}
