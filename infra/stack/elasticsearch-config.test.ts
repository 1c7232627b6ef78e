import { describe, expect, it } from 'vitest';
import { elasticsearchEnv, elasticsearchYml } from './elasticsearch-config';
import { stackPaths } from './paths';
import { planStack } from './plan';

const es = planStack(1, 19092, 19200, stackPaths('/r', { kafka: '3.9.1', elasticsearch: '8.19.4' })).elasticsearch;

describe('elasticsearch.yml', () => {
  it('runs one loopback node without security on the planned ports and directories', () => {
    const yml = elasticsearchYml(es);
    for (const line of ['discovery.type: single-node', 'network.host: 127.0.0.1', 'http.port: 19200', 'transport.port: 19300', 'xpack.security.enabled: false', 'path.data: /r/elasticsearch/data', 'path.logs: /r/elasticsearch/logs']) {
      expect(yml.split('\n')).toContain(line);
    }
  });

  it('allows wildcard index deletes, which test namespaces rely on', () => {
    expect(elasticsearchYml(es).split('\n')).toContain('action.destructive_requires_name: false');
  });
});

describe('elasticsearch environment', () => {
  it('passes the JDK as ES_JAVA_HOME, the heap as ES_JAVA_OPTS, and drops JAVA_HOME', () => {
    const env = elasticsearchEnv(es, '/usr/lib/jvm/java-17', '512m', { PATH: '/bin', JAVA_HOME: '/other', JAVA_TOOL_OPTIONS: '-Xmx8g' });
    expect(env).toEqual({ PATH: '/bin', ES_JAVA_HOME: '/usr/lib/jvm/java-17', ES_PATH_CONF: '/r/elasticsearch/config', ES_TMPDIR: '/r/elasticsearch/tmp', ES_JAVA_OPTS: '-Xms512m -Xmx512m -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1' });
  });
});
