import { describe, expect, it } from 'vitest';
import { stackPaths } from './paths';
import { engineInPlan, planStack } from './plan';

const paths = stackPaths('/r', { kafka: '3.9.1', elasticsearch: '8.19.4' });

describe('stack plan', () => {
  it('gives one broker the first port and its controller ten above', () => {
    const plan = planStack(1, 19092, 19200, paths);
    expect(plan.kafka.map((k) => [k.name, k.nodeId, k.port, k.controllerPort])).toEqual([['kafka-1', 1, 19092, 19102]]);
    expect(plan.elasticsearch).toMatchObject({ port: 19200, transportPort: 19300, dataDir: '/r/elasticsearch/data' });
  });

  it('gives three brokers consecutive client and controller ports', () => {
    const plan = planStack(3, 19092, 19200, paths);
    expect(plan.kafka.map((k) => [k.port, k.controllerPort])).toEqual([
      [19092, 19102],
      [19093, 19103],
      [19094, 19104],
    ]);
  });

  it('keeps the one- and three-broker clusters in different directories', () => {
    const one = planStack(1, 19092, 19200, paths);
    const three = planStack(3, 19092, 19200, paths);
    expect(one.kafka[0]?.dataDir).toBe('/r/kafka/single/node-1/data');
    expect(three.kafka[0]?.dataDir).toBe('/r/kafka/three/node-1/data');
    expect(one.clusterIdFile).not.toBe(three.clusterIdFile);
  });

  it('refuses ports that would collide', () => {
    expect(() => planStack(3, 19092, 19103, paths)).toThrow(/port 19103 would be used twice/);
  });

  it('says kafka-2 is not part of a one-broker stack', () => {
    expect(() => engineInPlan(planStack(1, 19092, 19200, paths), 'kafka-2')).toThrow(/kafka-2 is not part of a 1-broker stack/);
  });
});
