import { KafkaConfig, SASLOptions } from 'kafkajs';

/** How to reach the Kafka cluster; read from the environment by the apps' configuration. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Consumer session timeout: a crashed member's partitions move on after this long. */
  sessionTimeoutMs?: number;
}

export function kafkaConfig(connection: KafkaConnection): KafkaConfig {
  return {
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl as SASLOptions | undefined,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
    logCreator: () => () => undefined,
  };
}
