import { PartitionReplicas } from '@ledger/log';

/* eslint-disable @typescript-eslint/no-require-imports */
const KafkaBroker = require('kafkajs/src/broker');
const ConnectionPool = require('kafkajs/src/network/connectionPool');
const socketFactory = require('kafkajs/src/network/socketFactory');
const { createLogger, LEVELS } = require('kafkajs/src/loggers');
/* eslint-enable @typescript-eslint/no-require-imports */

/** What the cluster helpers ask for a topic's partitions (a `KafkaEventLog` is one). */
export interface ReplicaSource {
  replicas(topic: string): Promise<PartitionReplicas[]>;
}

interface KafkaJsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  metadata(topics: string[]): Promise<{ topicMetadata: { topic: string; partitionMetadata: { partitionId: number; leader: number; replicas: number[]; isr: number[] }[] }[] }>;
}

const quiet = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });

/**
 * Asks only the brokers it is given, in turn, each within `timeoutMs`. A kafkajs client learns every
 * broker of the cluster from its first metadata answer and sends later requests to any of them
 * (`withBroker` shuffles them all), so one bootstrapped without a paused broker still waits its whole
 * request timeout on it now and then; this one speaks to one broker per connection (kafkajs's own
 * Broker class) and never to another.
 */
export class BrokerObserver implements ReplicaSource {
  private readonly held = new Map<string, KafkaJsBroker>();

  constructor(
    private readonly addresses: string[],
    private readonly timeoutMs = 2_000,
  ) {
    if (!addresses.length) throw new Error('BrokerObserver needs at least one broker address');
  }

  async replicas(topic: string): Promise<PartitionReplicas[]> {
    const failures: string[] = [];
    for (const address of this.addresses) {
      try {
        const md = await this.ask(address, topic);
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
      const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
      const options = { host, port, logger: quiet, socketFactory: socketFactory(), connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs, clientId: 'cluster-observer' };
      broker = new KafkaBroker({ connectionPool: new ConnectionPool(options), logger: quiet, allowAutoTopicCreation: false, authenticationTimeout: this.timeoutMs }) as KafkaJsBroker;
      this.held.set(address, broker);
    }
    const b = broker;
    return within(this.timeoutMs, address, (async () => (await b.connect(), b.metadata([topic])))());
  }

  private async drop(address: string): Promise<void> {
    const broker = this.held.get(address);
    this.held.delete(address);
    await broker?.disconnect().catch(() => undefined);
  }
}

/** `work`, or a timeout error after `ms` (kafkajs's lock and connect timeouts add up past the request timeout). */
function within<T>(ms: number, address: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`no answer from ${address} within ${ms} ms`)), ms)));
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
