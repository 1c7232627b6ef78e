import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { EngineEndpoints } from './engines';

// The same engine versions as infra/engines/pom.xml and docker-compose.yml.
const KAFKA_IMAGE = 'apache/kafka:3.9.1';
const ES_IMAGE = 'docker.elastic.co/elasticsearch/elasticsearch:8.19.4';

/** Kafka (KRaft, one node) and Elasticsearch in containers, for machines that have Docker. */
export async function startContainers(log: (m: string) => void): Promise<EngineEndpoints> {
  log('starting Kafka and Elasticsearch with testcontainers');
  const kafkaPort = 29092;
  const kafka: StartedTestContainer = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: kafkaPort, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${kafkaPort},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const es: StartedTestContainer = await new GenericContainer(ES_IMAGE)
    .withExposedPorts(9200)
    .withEnvironment({ 'discovery.type': 'single-node', 'xpack.security.enabled': 'false', ES_JAVA_OPTS: '-Xms512m -Xmx512m -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1' })
    .withWaitStrategy(Wait.forHttp('/_cluster/health?wait_for_status=yellow', 9200))
    .start();
  return {
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    esUrl: `http://${es.getHost()}:${es.getMappedPort(9200)}`,
    source: 'testcontainers',
    brokerCount: 1,
    stop: async () => {
      await Promise.all([kafka.stop(), es.stop()]);
    },
  };
}
