import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, testServers } from '@ledger/testing';
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

describe('KafkaEventLog.subscribe with handleTogether', () => {
  it("hands a fetch's batches of several partitions over in one call, and reports the offsets to Kafka for lag tools", async () => {
    const { brokers } = testServers();
    const id = randomBytes(6).toString('hex');
    const topics = { events: `ledger.events.v1.groups-${id}`, dlq: `ledger.events.dlq.v1.groups-${id}` };
    const groupId = `groups-${id}`;
    const log = new KafkaEventLog({ brokers, clientId: `groups-${id}` });
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    try {
      await log.ensureTopics(topics);
      // Everything is in the log before the consumer starts: its first fetch answers for every partition.
      await log.append(
        topics.events,
        Array.from({ length: 60 }, (_, i) => ({ key: `key-${i}`, value: Buffer.from(`value ${i}`), headers: {} })),
      );
      const high = new Map((await log.bounds(topics.events)).map((b) => [b.partition, b.high]));
      const calls: number[][] = [];
      const done = new Map<number, string>();
      const subscription = await log.subscribe({
        topic: topics.events,
        groupId,
        storedOffsets: async (partitions) => new Map(partitions.map((p) => [p, '0'])),
        handle: async (batch) => {
          calls.push([batch.partition]);
          const next = (BigInt(batch.messages[batch.messages.length - 1].offset) + 1n).toString();
          done.set(batch.partition, next);
          return { nextOffset: next };
        },
        handleTogether: async (batches) => {
          calls.push(batches.map((b) => b.partition));
          return batches.map((batch) => {
            const next = (BigInt(batch.messages[batch.messages.length - 1].offset) + 1n).toString();
            done.set(batch.partition, next);
            return { nextOffset: next };
          });
        },
        onFatal: (e) => {
          throw e;
        },
      });
      await eventually(async () => {
        expect(done).toEqual(new Map([...high].filter(([, h]) => h !== '0')));
        return true;
      }, 30_000);
      await subscription.stop();
      expect(calls.some((partitions) => partitions.length > 1)).toBe(true);
      // Sorted by partition within a call: groups lock their offsets in one order.
      for (const partitions of calls) expect(partitions).toEqual([...partitions].sort((a, b) => a - b));
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.events] });
      expect(new Map(committed.partitions.filter((p) => p.offset !== '-1').map((p) => [p.partition, p.offset]))).toEqual(done);
    } finally {
      await admin.disconnect().catch(() => undefined);
      await log.deleteTopics([topics.events, topics.dlq]).catch(() => undefined);
      await log.close();
    }
  });
});
