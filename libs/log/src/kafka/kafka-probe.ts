import { Kafka, logLevel } from 'kafkajs';

/** What a Kafka cluster answered: how many brokers it lists and which topics it holds. */
export interface KafkaProbe {
  brokers: number;
  topics: string[];
}

/**
 * Connects an admin client and reads the cluster's metadata: whether `brokers` lead to a Kafka that
 * serves requests. Throws when it cannot connect or the cluster lists no broker.
 */
export async function probeKafka(brokers: string[], connectionTimeoutMs = 3_000): Promise<KafkaProbe> {
  const admin = new Kafka({
    clientId: 'ledger-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: connectionTimeoutMs,
    retry: { retries: 3, initialRetryTime: 300 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('it lists no brokers');
    return { brokers: cluster.brokers.length, topics: await admin.listTopics() };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
