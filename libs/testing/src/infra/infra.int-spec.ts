import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { KafkaEventLog, probeKafka } from '@ledger/log';

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
    const brokers = requireEnv('LEDGER_TEST_KAFKA_BROKERS').split(',');
    const log = new KafkaEventLog({ brokers, clientId: 'infra-check' });
    const topic = `infra-check-${randomUUID()}`;
    try {
      await log.ensureTopics({ events: topic, dlq: `${topic}.dlq` });
      const [appended] = await log.append(topic, [{ key: 'proposal-1', value: Buffer.from('hello ledger'), headers: {} }]);
      const received: { key: string | null; value?: string; offset: string }[] = [];
      await log.scan(topic, new Map([[appended.partition, '1']]), async (batch) => {
        for (const m of batch.messages) received.push({ key: m.key, value: m.value?.toString(), offset: m.offset });
      });
      expect(received).toEqual([{ key: 'proposal-1', value: 'hello ledger', offset: '0' }]);
      await log.deleteTopics([topic, `${topic}.dlq`]);
      expect((await probeKafka(brokers)).topics).not.toContain(topic);
    } finally {
      await log.close();
    }
  });
});
