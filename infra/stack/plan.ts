import { join } from 'node:path';
import type { StackPaths } from './paths';
import { StackError } from './stack-error';

export type KafkaEngineName = 'kafka-1' | 'kafka-2' | 'kafka-3';
export type EngineName = KafkaEngineName | 'elasticsearch';
export const engineNames: readonly EngineName[] = ['kafka-1', 'kafka-2', 'kafka-3', 'elasticsearch'];

export function isEngineName(value: string): value is EngineName {
  return (engineNames as readonly string[]).includes(value);
}

/** Controllers listen this far above their broker's client port (19092 → 19102). */
export const CONTROLLER_PORT_OFFSET = 10;
/** Elasticsearch's transport port sits this far above its HTTP port (19200 → 19300). */
export const TRANSPORT_PORT_OFFSET = 100;

interface EngineFiles {
  name: EngineName;
  /** stdout + stderr of the process. */
  logFile: string;
  pidFile: string;
}

export interface KafkaNodePlan extends EngineFiles {
  kind: 'kafka';
  name: KafkaEngineName;
  brokers: 1 | 3;
  nodeId: number;
  port: number;
  controllerPort: number;
  /** Holds the generated config and the log dir of this node. */
  nodeDir: string;
  dataDir: string;
  propsFile: string;
  log4jFile: string;
}

export interface ElasticsearchPlan extends EngineFiles {
  kind: 'elasticsearch';
  name: 'elasticsearch';
  port: number;
  transportPort: number;
  confDir: string;
  dataDir: string;
  logsDir: string;
  tmpDir: string;
}

export type EnginePlan = KafkaNodePlan | ElasticsearchPlan;

export interface StackPlan {
  brokers: 1 | 3;
  kafka: KafkaNodePlan[];
  elasticsearch: ElasticsearchPlan;
  /** Shared by every node of one mode's cluster; kept so a wiped node rejoins the same cluster. */
  clusterIdFile: string;
}

/**
 * Where each engine of a stack listens and keeps its files. The one- and three-broker clusters
 * live in different directories (`kafka/single`, `kafka/three`), so switching mode never mixes
 * their metadata logs.
 */
export function planStack(brokers: 1 | 3, kafkaPort: number, esPort: number, paths: StackPaths): StackPlan {
  const modeDir = join(paths.kafkaDir, brokers === 1 ? 'single' : 'three');
  const kafka: KafkaNodePlan[] = [];
  for (let nodeId = 1; nodeId <= brokers; nodeId++) {
    const name = `kafka-${nodeId}` as KafkaEngineName;
    const nodeDir = join(modeDir, `node-${nodeId}`);
    kafka.push({
      kind: 'kafka',
      name,
      brokers,
      nodeId,
      port: kafkaPort + nodeId - 1,
      controllerPort: kafkaPort + CONTROLLER_PORT_OFFSET + nodeId - 1,
      nodeDir,
      dataDir: join(nodeDir, 'data'),
      propsFile: join(nodeDir, 'server.properties'),
      log4jFile: join(nodeDir, 'log4j.properties'),
      logFile: join(paths.logsDir, `${name}.log`),
      pidFile: join(paths.runDir, `${name}.pid`),
    });
  }
  const elasticsearch: ElasticsearchPlan = {
    kind: 'elasticsearch',
    name: 'elasticsearch',
    port: esPort,
    transportPort: esPort + TRANSPORT_PORT_OFFSET,
    confDir: join(paths.esDir, 'config'),
    dataDir: join(paths.esDir, 'data'),
    logsDir: join(paths.esDir, 'logs'),
    tmpDir: join(paths.esDir, 'tmp'),
    logFile: join(paths.logsDir, 'elasticsearch.log'),
    pidFile: join(paths.runDir, 'elasticsearch.pid'),
  };
  const ports = [...kafka.flatMap((k) => [k.port, k.controllerPort]), elasticsearch.port, elasticsearch.transportPort];
  const clash = ports.find((p, i) => ports.indexOf(p) !== i);
  if (clash !== undefined) {
    throw new StackError('BAD_OPTION', `port ${clash} would be used twice (Kafka ${kafkaPort}.., its controllers +${CONTROLLER_PORT_OFFSET}, Elasticsearch ${esPort} and transport +${TRANSPORT_PORT_OFFSET}); choose ports further apart`);
  }
  return { brokers, kafka, elasticsearch, clusterIdFile: join(modeDir, 'cluster-id') };
}

/** The plan of one engine by name, or a clear error when the mode has no such engine. */
export function engineInPlan(plan: StackPlan, name: EngineName): EnginePlan {
  if (name === 'elasticsearch') return plan.elasticsearch;
  const node = plan.kafka.find((k) => k.name === name);
  if (!node) throw new StackError('BAD_OPTION', `${name} is not part of a ${plan.brokers}-broker stack`);
  return node;
}
