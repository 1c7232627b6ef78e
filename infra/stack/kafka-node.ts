import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaFormatArgs, kafkaJvmArgs, kafkaLog4jProperties, kafkaServerProperties, newClusterId } from './kafka-config';
import type { PidRecord } from './pid-file';
import type { KafkaNodePlan, StackPlan } from './plan';
import { portAcceptsConnections } from './ports';
import { runSync, spawnDetached } from './processes';
import type { JavaRuntime } from './provision';
import { StackError } from './stack-error';

export interface KafkaNodeContext {
  java: JavaRuntime;
  libsDir: string;
  heap: string;
  log: (m: string) => void;
}

function metaProperties(node: KafkaNodePlan): string {
  return join(node.dataDir, 'meta.properties');
}

function clusterIdIn(node: KafkaNodePlan): string | undefined {
  try {
    return /^cluster\.id=(.+)$/m.exec(readFileSync(metaProperties(node), 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The cluster id of this mode's cluster: remembered, else read from a formatted node, else new. */
function clusterIdFor(plan: StackPlan): string {
  if (existsSync(plan.clusterIdFile)) return readFileSync(plan.clusterIdFile, 'utf8').trim();
  const id = plan.kafka.map(clusterIdIn).find((x) => x !== undefined) ?? newClusterId();
  writeFileSync(plan.clusterIdFile, `${id}\n`);
  return id;
}

/** Writes this node's config (every start, so option changes apply) and formats its storage if it never was. */
export function prepareKafkaNode(node: KafkaNodePlan, plan: StackPlan, ctx: KafkaNodeContext): void {
  mkdirSync(node.nodeDir, { recursive: true });
  writeFileSync(node.propsFile, kafkaServerProperties(node, plan.kafka, ctx.heap));
  writeFileSync(node.log4jFile, kafkaLog4jProperties());
  if (!existsSync(metaProperties(node))) formatKafkaNode(node, plan, ctx);
}

/** Wipes and formats a node's log dir: only for a node that was never formatted or whose storage is unusable. */
export function formatKafkaNode(node: KafkaNodePlan, plan: StackPlan, ctx: KafkaNodeContext): void {
  const clusterId = clusterIdFor(plan);
  ctx.log(`${node.name}: formatting storage ${node.dataDir} (cluster ${clusterId})`);
  rmSync(node.dataDir, { recursive: true, force: true });
  const res = runSync(ctx.java.java, kafkaFormatArgs(node, ctx.libsDir, clusterId), { timeoutMs: 120_000 });
  if (!res.ok) throw new StackError('KAFKA_FORMAT_FAILED', `${node.name}: kafka-storage format failed:\n${res.output.trim().split('\n').slice(-20).join('\n')}`);
}

export function startKafkaNode(node: KafkaNodePlan, ctx: KafkaNodeContext): PidRecord {
  const { pid, startTime } = spawnDetached({
    command: ctx.java.java,
    args: kafkaJvmArgs(node, ctx.libsDir, ctx.heap),
    env: { ...stringEnv(process.env), JAVA_HOME: ctx.java.javaHome },
    cwd: node.nodeDir,
    logFile: node.logFile,
  });
  return { name: node.name, pid, startTime, port: node.port, brokers: node.brokers, dataDir: node.dataDir, startedAt: new Date().toISOString() };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Healthy = the port accepts connections and the node answers a metadata request in which it is a
 * registered (unfenced) broker; a listening port alone is not enough while the quorum forms.
 */
export async function kafkaNodeHealthy(node: KafkaNodePlan): Promise<boolean> {
  if (!(await portAcceptsConnections(node.port))) return false;
  const kafka = new Kafka({
    clientId: 'stack-health',
    brokers: [`127.0.0.1:${node.port}`],
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.some((b) => b.nodeId === node.nodeId) && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
