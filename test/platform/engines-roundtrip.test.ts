import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, eventually, type Namespace } from '../support/namespace';

describe('the real engines', () => {
  let ns: Namespace;
  beforeAll(async () => {
    ns = await createNamespace('roundtrip');
  });
  afterAll(async () => ns?.cleanup());

  it('round-trips a message through a Kafka topic with acks from the broker', async () => {
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    const [meta] = await producer.send({ topic: ns.topics.events, acks: -1, messages: [{ key: 'CP-1', value: JSON.stringify({ hello: '晋C12345' }) }] });
    expect(meta?.errorCode).toBe(0);
    await producer.disconnect();

    const consumer = ns.kafka.consumer({ groupId: `${ns.topicPrefix}g` });
    await consumer.connect();
    await consumer.subscribe({ topic: ns.topics.events, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    await eventually('the produced message', () => (seen.length ? seen : undefined));
    await consumer.disconnect();
    expect(seen).toEqual([JSON.stringify({ hello: '晋C12345' })]);
  });

  it('indexes a document in Elasticsearch and finds it by a Chinese term', async () => {
    const index = `${ns.indexPrefix}roundtrip`;
    await ns.es.index({ index, id: 'e1', document: { note: '在车辆后备箱夹层查获冰毒', plate: '晋C12345' }, refresh: 'wait_for' });
    const res = await ns.es.search<{ plate: string }>({ index, query: { match_phrase: { note: '冰毒' } } });
    expect(res.hits.hits.map((h) => h._source?.plate)).toEqual(['晋C12345']);
    const miss = await ns.es.search({ index, query: { match_phrase: { note: '海洛因' } } });
    expect(miss.hits.hits).toHaveLength(0);
  });
});
