import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

// Proves that the global setup handed the workers a real PostgreSQL and a real Kafka.

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: did jest run libs/testing/src/infra/global-setup.ts?`);
  return value;
}

describe('test infrastructure', () => {
  it('connects to PostgreSQL with a role that may create databases', async () => {
    const client = new Client({ connectionString: requireEnv('LEDGER_TEST_DATABASE_URL') });
    await client.connect();
    try {
      const { rows } = await client.query('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
      const database = `infra_check_${randomUUID().replace(/-/g, '')}`;
      await client.query(`create database ${database}`);
      await client.query(`drop database ${database}`);
    } finally {
      await client.end();
    }
  });

  it('creates a topic on Kafka, produces and consumes a message, and deletes the topic', async () => {
    const kafka = new Kafka({
      clientId: 'infra-check',
      brokers: requireEnv('LEDGER_TEST_KAFKA_BROKERS').split(','),
      logLevel: logLevel.NOTHING,
    });
    const topic = `infra-check-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: `infra-check-${randomUUID()}` });
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);
      try {
        await producer.connect();
        await producer.send({ topic, acks: -1, messages: [{ key: 'proposal-1', value: 'hello ledger' }] });

        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        const received = new Promise<{ key?: string; value?: string; offset: string }>((resolve) => {
          void consumer.run({
            eachMessage: async ({ message }) =>
              resolve({ key: message.key?.toString(), value: message.value?.toString(), offset: message.offset }),
          });
        });
        expect(await received).toEqual({ key: 'proposal-1', value: 'hello ledger', offset: '0' });
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
      }
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
      expect(await admin.listTopics()).not.toContain(topic);
    } finally {
      await admin.disconnect();
    }
  });
});
