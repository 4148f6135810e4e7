import { PartitionReplicas, withDeadline } from './kafka-event-log';

/* eslint-disable @typescript-eslint/no-require-imports */
// kafkajs's own Broker and ConnectionPool: its public clients spread requests over every broker.
const KafkaBroker = require('kafkajs/src/broker');
const ConnectionPool = require('kafkajs/src/network/connectionPool');
const socketFactory = require('kafkajs/src/network/socketFactory');
const { createLogger, LEVELS } = require('kafkajs/src/loggers');
/* eslint-enable @typescript-eslint/no-require-imports */

interface KafkaJsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  metadata(topics: string[]): Promise<{
    topicMetadata: { topic: string; partitionMetadata: { partitionId: number; leader: number; replicas: number[]; isr: number[] }[] }[];
  }>;
}

const quiet = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

/**
 * A topic's partitions (leader, replicas, in-sync replicas) as the brokers it is given see them,
 * asked in turn, each within `timeoutMs`, and never any other broker. A kafkajs client learns every
 * broker of the cluster from its first metadata answer and sends later requests to any of them
 * (its `withBroker` shuffles them all), so one bootstrapped without a paused broker still waits a
 * whole request timeout on it now and then; this keeps one connection per given broker (kafkajs's
 * own Broker class) instead. For watching a cluster under faults (the cluster suite).
 */
export class BrokerReplicas {
  private readonly held = new Map<string, KafkaJsBroker>();

  constructor(
    private readonly addresses: string[],
    private readonly timeoutMs = 2_000,
  ) {
    if (!addresses.length) throw new Error('BrokerReplicas needs at least one broker address');
  }

  async replicas(topic: string): Promise<PartitionReplicas[]> {
    const failures: string[] = [];
    for (const address of this.addresses) {
      try {
        const md = await withDeadline(this.ask(address, topic), this.timeoutMs);
        const partitions = md.topicMetadata.find((t) => t.topic === topic)?.partitionMetadata ?? [];
        return partitions
          .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort(), isr: [...p.isr].sort() }))
          .sort((a, b) => a.partition - b.partition);
      } catch (e) {
        failures.push(`${address}: ${(e as Error).message}`);
        await this.drop(address);
      }
    }
    throw new Error(`no broker answered for ${topic} (${failures.join('; ')})`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.held.keys()].map((a) => this.drop(a)));
  }

  private async ask(address: string, topic: string) {
    let broker = this.held.get(address);
    if (!broker) {
      const colon = address.lastIndexOf(':');
      const options = {
        host: address.slice(0, colon),
        port: Number(address.slice(colon + 1)),
        logger: quiet,
        socketFactory: socketFactory(),
        connectionTimeout: this.timeoutMs,
        requestTimeout: this.timeoutMs,
        clientId: 'ledger-replicas',
      };
      broker = new KafkaBroker({
        connectionPool: new ConnectionPool(options),
        logger: quiet,
        allowAutoTopicCreation: false,
        authenticationTimeout: this.timeoutMs,
      }) as KafkaJsBroker;
      this.held.set(address, broker);
    }
    await broker.connect();
    return broker.metadata([topic]);
  }

  private async drop(address: string): Promise<void> {
    const broker = this.held.get(address);
    this.held.delete(address);
    await broker?.disconnect().catch(() => undefined);
  }
}
