import { describe, expect, it } from 'vitest';
import { isCoordinatorError } from './kafkajs-coordinator-cache';

describe('errors after which cached coordinators are forgotten', () => {
  it('are coordinator errors and lost connections, not request errors', () => {
    for (const type of ['NOT_COORDINATOR_FOR_GROUP', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'GROUP_LOAD_IN_PROGRESS']) expect(isCoordinatorError({ type })).toBe(true);
    for (const name of ['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']) expect(isCoordinatorError({ name })).toBe(true);
    expect(isCoordinatorError({ code: 'ECONNREFUSED' })).toBe(true);
    for (const e of [{ type: 'CONCURRENT_TRANSACTIONS' }, { type: 'INVALID_PRODUCER_EPOCH' }, { name: 'KafkaJSProtocolError' }, new Error('x'), null, 'NOT_COORDINATOR_FOR_GROUP']) expect(isCoordinatorError(e)).toBe(false);
  });
});
