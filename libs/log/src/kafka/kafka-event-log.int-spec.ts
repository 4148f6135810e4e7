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
