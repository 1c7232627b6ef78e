import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { elasticsearchEnv, elasticsearchYml } from './elasticsearch-config';
import type { StackPaths } from './paths';
import type { PidRecord } from './pid-file';
import type { ElasticsearchPlan } from './plan';
import { spawnDetached } from './processes';
import type { JavaRuntime } from './provision';
import { checkAccess, chownTree, type RunAs } from './run-as';

export interface ElasticsearchContext {
  java: JavaRuntime;
  paths: StackPaths;
  heap: string;
  runAs: RunAs;
}

/**
 * Builds the node's own config dir (a copy of the distribution's, plus our elasticsearch.yml) and
 * hands config, data, logs and tmp to the user that runs it. The distribution stays read-only.
 */
export function prepareElasticsearch(plan: ElasticsearchPlan, ctx: ElasticsearchContext): void {
  for (const dir of [plan.confDir, plan.dataDir, plan.logsDir, plan.tmpDir]) mkdirSync(dir, { recursive: true });
  if (!existsSync(join(plan.confDir, 'jvm.options'))) {
    cpSync(join(ctx.paths.esHome, 'config'), plan.confDir, { recursive: true });
  }
  writeFileSync(join(plan.confDir, 'elasticsearch.yml'), elasticsearchYml(plan));
  chownTree([plan.confDir, plan.dataDir, plan.logsDir, plan.tmpDir], ctx.runAs);
  checkAccess(ctx.runAs, [join(ctx.paths.esHome, 'bin'), join(ctx.paths.esHome, 'lib'), join(ctx.paths.esHome, 'modules')], [plan.confDir, plan.dataDir, plan.logsDir, plan.tmpDir]);
}

export function startElasticsearch(plan: ElasticsearchPlan, ctx: ElasticsearchContext): PidRecord {
  const { pid, startTime } = spawnDetached({
    command: join(ctx.paths.esHome, 'bin', 'elasticsearch'),
    args: [],
    env: elasticsearchEnv(plan, ctx.java.javaHome, ctx.heap, process.env),
    cwd: ctx.paths.esHome,
    logFile: plan.logFile,
    uid: ctx.runAs.uid,
    gid: ctx.runAs.gid,
  });
  return { name: 'elasticsearch', pid, startTime, port: plan.port, brokers: null, dataDir: plan.dataDir, startedAt: new Date().toISOString() };
}

/** Healthy = the cluster reports at least yellow. */
export async function elasticsearchHealthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(3_000) });
    if (res.status !== 200) return false;
    const body: unknown = await res.json();
    const status = typeof body === 'object' && body !== null && 'status' in body ? body.status : undefined;
    return status === 'green' || status === 'yellow';
  } catch {
    return false;
  }
}
