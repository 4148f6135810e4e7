import { randomBytes } from 'node:crypto';
import { testServers } from '@ledger/testing';
import { describeLogContract } from '../__tests__/event-log.contract';
import { KafkaEventLog } from './kafka-event-log';

// The log contract on the real broker, with topics of this file's own.
describeLogContract(
  'KafkaEventLog',
  async () => {
    const { brokers } = testServers();
    const id = randomBytes(6).toString('hex');
    const topics = { events: `ledger.events.v1.contract-${id}`, dlq: `ledger.events.dlq.v1.contract-${id}` };
    const log = new KafkaEventLog({ brokers, clientId: `contract-${id}` });
    await log.ensureTopics(topics);
    return {
      log,
      topics,
      close: async () => {
        await log.deleteTopics([topics.events, topics.dlq]).catch(() => undefined);
        await log.close();
      },
    };
  },
  { atomicAcrossPartitions: false },
);

describe('KafkaEventLog.ensureTopics on one broker', () => {
  it('keeps the broker’s defaults (one replica), and refuses more replicas than the cluster has brokers', async () => {
    const { brokers } = testServers();
    const id = randomBytes(6).toString('hex');
    const topics = { events: `ledger.events.v1.replication-${id}`, dlq: `ledger.events.dlq.v1.replication-${id}` };
    const log = new KafkaEventLog({ brokers, clientId: `replication-${id}` });
    try {
      await log.ensureTopics(topics);
      expect((await log.replicas(topics.events)).map((p) => p.replicas.length)).toEqual([1, 1, 1, 1, 1, 1]);
      expect((await log.topicConfig(topics.events))['min.insync.replicas']).toBe('1');
      const three = new KafkaEventLog({ brokers, clientId: `replication3-${id}` }, undefined, { factor: 3, minInsync: 'auto' });
      const other = { events: `${topics.events}-3`, dlq: `${topics.dlq}-3` };
      await expect(three.ensureTopics(other)).rejects.toThrow('LEDGER_TOPIC_REPLICATION=3 needs at least 3 Kafka brokers; the cluster has 1');
      await three.close();
    } finally {
      await log.deleteTopics([topics.events, topics.dlq]).catch(() => undefined);
      await log.close();
    }
  });
});
