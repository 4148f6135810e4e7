import { LogUnavailableError } from '@ledger/contracts';
import { RecordMetadata } from 'kafkajs';
import { appendedFrom, PRODUCER_OPTIONS } from './kafka-event-log';
import { kafkaConfig } from './kafka-options';

// kafkajs' own produce path (sendMessages, its sequence numbers and its retrier, v2.2.4) against
// three in-memory brokers that keep Kafka's producer state: a batch whose first and last sequence
// numbers equal one of the producer's last five on that partition is a duplicate, answered with
// the first copy's offset and not written; any other gap is OUT_OF_ORDER_SEQUENCE_NUMBER. Broker 2
// is killed in the middle of a send, after its followers copied what it appended; its partitions
// move to brokers 1 and 3, which answer that send only once broker 2 has left the ISR (acks=all).
/* eslint-disable @typescript-eslint/no-require-imports */
const sendMessages = require('kafkajs/src/producer/sendMessages');
const createEosManager = require('kafkajs/src/producer/eosManager');
const createRetry = require('kafkajs/src/retry');
const { KafkaJSConnectionClosedError, KafkaJSProtocolError } = require('kafkajs/src/errors');
const { createErrorFromCode } = require('kafkajs/src/protocol/error');
/* eslint-enable @typescript-eslint/no-require-imports */

const TOPIC = 'ledger.events.v1';
const PARTITIONS = [0, 1, 2, 3, 4, 5];
const FENCED_AFTER_MS = 300;
/** The partitions broker 2 leads until it is killed. */
const BROKER_2_LED = [1, 4];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  partition: number;
  value: string;
}

/** The replicated partitions and who leads them; a killed broker's partitions move after FENCED_AFTER_MS. */
class Cluster {
  readonly records = new Map(PARTITIONS.map((p) => [p, [] as string[]]));
  private readonly producers = new Map<number, { next: number; batches: { first: number; last: number; offset: number }[] }>();
  leaders = new Map(PARTITIONS.map((p) => [p, (p % 3) + 1]));
  readonly dead = new Set<number>();
  /** Broker 2 dies during its next produce request, after appending it. */
  killBroker2 = false;

  broker(nodeId: number) {
    return {
      nodeId,
      initProducerId: async () => ({ producerId: 4242, producerEpoch: 0 }),
      produce: async ({
        producerId,
        topicData,
      }: {
        producerId: number;
        topicData: { partitions: { partition: number; firstSequence: number; messages: { value: string }[] }[] }[];
      }) => {
        if (this.dead.has(nodeId)) throw new KafkaJSConnectionClosedError('Connection closed', { host: '127.0.0.1', port: nodeId });
        const partitions = topicData[0].partitions;
        if (partitions.some((p) => this.leaders.get(p.partition) !== nodeId)) throw new KafkaJSProtocolError(createErrorFromCode(6));
        const answers = partitions.map((p) =>
          this.append(
            producerId,
            p.partition,
            p.firstSequence,
            p.messages.map((m) => m.value),
          ),
        );
        if (nodeId === 2 && this.killBroker2) {
          this.killBroker2 = false;
          this.dead.add(2);
          setTimeout(() => (this.leaders = new Map([...this.leaders].map(([p, l]) => [p, l === 2 ? (p < 3 ? 1 : 3) : l]))), FENCED_AFTER_MS);
          throw new KafkaJSConnectionClosedError('Connection closed', { host: '127.0.0.1', port: 2 });
        }
        // acks=all: the others answer once the dead follower has been dropped from the ISR.
        while (this.dead.has(2) && [...this.leaders.values()].includes(2)) await sleep(10);
        const failed = answers.find((a) => a.errorCode);
        if (failed) throw new KafkaJSProtocolError(createErrorFromCode(failed.errorCode));
        return { topics: [{ topicName: TOPIC, partitions: answers }] };
      },
    };
  }

  private append(producerId: number, partition: number, first: number, values: string[]) {
    const log = this.records.get(partition)!;
    const last = first + values.length - 1;
    const key = producerId * 100 + partition;
    const state = this.producers.get(key) ?? { next: 0, batches: [] };
    if (producerId >= 0) {
      const duplicate = state.batches.find((b) => b.first === first && b.last === last);
      if (duplicate) return { partition, errorCode: 0, baseOffset: String(duplicate.offset) };
      if (first !== state.next) return { partition, errorCode: 45, baseOffset: '-1' };
    }
    const offset = log.length;
    log.push(...values);
    state.batches = [...state.batches, { first, last, offset }].slice(-5);
    state.next = last + 1;
    this.producers.set(key, state);
    return { partition, errorCode: 0, baseOffset: String(offset) };
  }
}

/** A kafkajs producer's send, built as kafkajs builds it, on `cluster`. */
async function producerOn(cluster: Cluster, options: { idempotent: boolean; retry: { retries: number } }) {
  const brokers = new Map([1, 2, 3].map((n) => [n, cluster.broker(n)]));
  const retry = { ...kafkaConfig({ brokers: [], clientId: 'test' }).retry, ...options.retry };
  const kafkajsCluster = {
    retry,
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => undefined,
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => PARTITIONS.map((p) => ({ partitionId: p, leader: cluster.leaders.get(p) })),
    findLeaderForPartitions: (_: string, partitions: string[]) => {
      const out: Record<number, number[]> = {};
      for (const p of partitions.map(Number)) (out[cluster.leaders.get(p)!] ??= []).push(p);
      return out;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => {
      if (cluster.dead.has(Number(nodeId))) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true });
      return brokers.get(Number(nodeId));
    },
    findControllerBroker: async () => brokers.get(1),
  };
  const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, namespace: () => logger };
  const eosManager = createEosManager({ logger, cluster: kafkajsCluster, transactional: false });
  if (options.idempotent) await eosManager.initProducerId();
  const send = sendMessages({ logger, cluster: kafkajsCluster, partitioner: ({ message }: { message: Sent }) => message.partition, eosManager, retrier: createRetry(retry) });
  return (messages: Sent[]): Promise<RecordMetadata[]> => send({ acks: -1, timeout: 5_000, topicMessages: [{ topic: TOPIC, messages }] });
}

const batch = (tag: string) => PARTITIONS.flatMap((partition) => [0, 1].map((i) => ({ partition, value: `${tag}-${partition}-${i}` })));

/** What KafkaEventLog answers its callers for one send: each message's offset, or the refusal (a 503). */
async function append(send: (m: Sent[]) => Promise<RecordMetadata[]>, messages: Sent[]) {
  try {
    return appendedFrom(
      messages.map((m) => m.partition),
      await send(messages),
    );
  } catch (e) {
    return e as Error;
  }
}

/** Acknowledged messages whose offset holds another record. */
function acknowledgedNotWritten(cluster: Cluster, messages: Sent[], answer: Awaited<ReturnType<typeof append>>): string[] {
  if (answer instanceof Error) return [];
  return messages.filter((m, i) => cluster.records.get(answer[i].partition)![Number(answer[i].offset)] !== m.value).map((m) => m.value);
}

describe('producing across a leader change (kafkajs 2.2.4, a broker killed mid-send)', () => {
  it('kafkajs resolves the send without the partitions that moved to a broker which had already answered; KafkaEventLog refuses that answer', async () => {
    const cluster = new Cluster();
    const send = await producerOn(cluster, PRODUCER_OPTIONS);
    await append(send, batch('zero'));
    cluster.killBroker2 = true;
    const messages = batch('one');
    const answer = await send(messages);
    const answered = new Set(answer.map((a) => a.partition));
    const missing = PARTITIONS.filter((p) => !answered.has(p));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((p) => BROKER_2_LED.includes(p))).toBe(true);
    expect(() =>
      appendedFrom(
        messages.map((m) => m.partition),
        answer,
      ),
    ).toThrow(LogUnavailableError);
    // Written by broker 2 before it died: a 503 (outcome unknown) is the honest answer.
    for (const p of missing) expect(cluster.records.get(p)).toContain(`one-${p}-0`);
  });

  it('with an idempotent kafkajs producer, the next send of the same size on such a partition is acknowledged but never written', async () => {
    const cluster = new Cluster();
    const send = await producerOn(cluster, { ...PRODUCER_OPTIONS, idempotent: true });
    await append(send, batch('zero'));
    cluster.killBroker2 = true;
    expect(await append(send, batch('one'))).toBeInstanceOf(LogUnavailableError);
    const messages = batch('two');
    // kafkajs rolled partition 1's sequence numbers back though broker 2 wrote them: the broker takes
    // the new batch for a retry of the old one and answers with the old one's offset.
    const lost = acknowledgedNotWritten(cluster, messages, await append(send, messages));
    expect(lost.length).toBeGreaterThan(0);
    for (const value of lost) {
      const partition = Number(value.split('-')[1]);
      expect(BROKER_2_LED).toContain(partition);
      expect(cluster.records.get(partition)).not.toContain(value);
    }
  });

  it('with KafkaEventLog’s producer options, every acknowledged message is written at the offset it was told', async () => {
    const cluster = new Cluster();
    const send = await producerOn(cluster, PRODUCER_OPTIONS);
    await append(send, batch('zero'));
    cluster.killBroker2 = true;
    await append(send, batch('one'));
    for (const tag of ['two', 'three']) {
      const messages = batch(tag);
      const answer = await append(send, messages);
      expect(answer).not.toBeInstanceOf(Error);
      expect(acknowledgedNotWritten(cluster, messages, answer)).toEqual([]);
    }
  });
});
