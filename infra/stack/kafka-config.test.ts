import { describe, expect, it } from 'vitest';
import { heapBytes, isStorageFormatFailure, kafkaServerProperties, newClusterId } from './kafka-config';
import { stackPaths } from './paths';
import { planStack } from './plan';

const paths = stackPaths('/r', { kafka: '3.9.1', elasticsearch: '8.19.4' });

function props(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('kafka server.properties', () => {
  it('configures a single combined node with replication 1 and no auto-created topics', () => {
    const plan = planStack(1, 19092, 19200, paths);
    const p = props(kafkaServerProperties(plan.kafka[0]!, plan.kafka, '256m'));
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:19102',
      listeners: 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19102',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:19092',
      'log.dirs': '/r/kafka/single/node-1/data',
      'num.partitions': '6',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'auto.create.topics.enable': 'false',
      'group.initial.rebalance.delay.ms': '0',
      'log.cleaner.dedupe.buffer.size': String(32 * 1024 * 1024),
    });
  });

  it("sizes the log cleaner's offset map at an eighth of the heap", () => {
    const plan = planStack(1, 19092, 19200, paths);
    const buffer = (heap: string) => props(kafkaServerProperties(plan.kafka[0]!, plan.kafka, heap))['log.cleaner.dedupe.buffer.size'];
    expect(buffer('1g')).toBe(String(128 * 1024 * 1024));
    expect(buffer('384M')).toBe(String(48 * 1024 * 1024));
    expect(heapBytes('2G')).toBe(2 * 1024 ** 3);
    expect(() => heapBytes('512')).toThrow(/512/);
  });

  it('configures three nodes with a static quorum, replication 3 and min ISR 2', () => {
    const plan = planStack(3, 19092, 19200, paths);
    const p = props(kafkaServerProperties(plan.kafka[1]!, plan.kafka, '256m'));
    expect(p).toMatchObject({
      'node.id': '2',
      'controller.quorum.voters': '1@127.0.0.1:19102,2@127.0.0.1:19103,3@127.0.0.1:19104',
      listeners: 'PLAINTEXT://127.0.0.1:19093,CONTROLLER://127.0.0.1:19103',
      'log.dirs': '/r/kafka/three/node-2/data',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
    });
  });
});

describe('kafka storage', () => {
  it('makes cluster ids in the 22-character base64url form Kafka expects', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newClusterId()).not.toBe(id);
  });

  it('recognises a startup that died on unusable storage, but not an INFO line about meta.properties', () => {
    expect(isStorageFormatFailure('[x] ERROR Exiting Kafka due to fatal exception (kafka.Kafka)\njava.lang.RuntimeException: No readable meta.properties files found.')).toBe(true);
    expect(isStorageFormatFailure('[x] ERROR InconsistentClusterIdException: The Cluster ID abc does not match')).toBe(true);
    expect(isStorageFormatFailure('[x] INFO Loaded meta.properties from /data (kafka.server)\n[x] ERROR Address already in use')).toBe(false);
  });
});
