import { Admin, ConfigResourceTypes, Consumer, IHeaders, Kafka, KafkaMessage, Producer, ProducerConfig, RecordMetadata, logLevel } from 'kafkajs';
import { LEDGER_TOPIC_PARTITIONS, LogMessage, LogUnavailableError, partitionForKey } from '@ledger/contracts';
import { Appended, BatchResult, EventLog, LogBatch, LogEntry, OffsetBehindLogStartError, PartitionBounds, SubscribeOptions, Subscription } from '../event-log';
import { kafkaConfig, KafkaConnection } from './kafka-options';
import { BatcherOptions, ProduceBatcher } from '../produce-batcher';
import { BatchGroups } from '../batch-groups';
import { OffsetReporter } from './offset-reporter';
import { AUTO_REPLICATION, replicationFor, TopicReplication } from './topic-replication';
import { useOwnProduceEncoding } from './produce-encoding';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
useOwnProduceEncoding();

const DEFAULT_BATCHING: BatcherOptions = { maxQueued: 50_000, maxBatch: 2_000, maxBatchBytes: 4 * 1024 * 1024, ackTimeoutMs: 5_000 };
/**
 * How long past the acknowledgement timeout a produce request may stay unanswered before it is
 * abandoned with its producer. A broker that hangs without closing its sockets (SIGSTOP, a frozen
 * VM) holds kafkajs' request, and kafkajs asks it again (it looks connected), so without this one
 * silent broker stops every write until it comes back, long after the cluster moved its partitions.
 */
const ABANDON_AFTER_ACK_TIMEOUT_MS = 5_000;
/**
 * The ledger's kafkajs producer. Not idempotent: kafkajs 2.2.4 can leave its sequence numbers behind
 * the broker's after retrying a send across a leader change (it rolls back a partition's sequence
 * numbers when its request to the dead leader fails, though that leader wrote and replicated the
 * records, and it may resolve the send without sending that partition again). The broker then takes
 * the next batch of the same size on that partition for a retry of the old one and answers with the
 * old one's offset: acknowledged, never written (scenario C1, docs/reliability.md). Without a
 * producer id the broker writes every batch it acknowledges; a copy a retry leaves in the log is
 * skipped by the projector, which applies each event id once. One request in flight per connection
 * keeps each partition in send order.
 */
export const PRODUCER_OPTIONS = { idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 5 } } satisfies ProducerConfig;
/** Largest record batch the ledger topics take: a 1,000-event batch request about one proposal fits. */
const MAX_MESSAGE_BYTES = String(8 * 1024 * 1024);
/** kafkajs workers when batches are grouped: one per partition a fetch may answer for, so all of them are handed over together. */
const GROUPED_PARTITIONS = 64;

/** Where a partition's copies live (ops and the cluster fault scenarios). */
export interface PartitionReplicas {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/**
 * The log port on Apache Kafka. Producing waits for acks from all in-sync replicas, with one request
 * in flight (PRODUCER_OPTIONS), through a bounded micro-batcher; partitions are chosen with Kafka's
 * murmur2 so each message's offset is known from the broker's answer.
 */
export class KafkaEventLog extends EventLog {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly batchers = new Map<string, ProduceBatcher>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly consumers = new Set<Consumer>();
  /** Producers made so far: each new one dials a different bootstrap broker first. */
  private producersMade = 0;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly batching: BatcherOptions = DEFAULT_BATCHING,
    private readonly replication: TopicReplication = AUTO_REPLICATION,
  ) {
    super();
    this.kafka = new Kafka({ ...kafkaConfig(connection), logLevel: logLevel.NOTHING });
  }

  append(topic: string, messages: LogMessage[]): Promise<Appended[]> {
    let batcher = this.batchers.get(topic);
    if (!batcher) {
      batcher = new ProduceBatcher((m) => this.produce(topic, m), this.batching);
      this.batchers.set(topic, batcher);
    }
    return batcher.enqueue(messages);
  }

  private async produce(topic: string, messages: LogMessage[]): Promise<Appended[]> {
    const producer = await this.connectedProducer();
    const count = await this.partitionCount(topic);
    const partitions = messages.map((m) => partitionForKey(m.key, count));
    try {
      const answer = await withDeadline(
        producer.send({
          topic,
          acks: -1,
          timeout: this.batching.ackTimeoutMs,
          messages: messages.map((m, i) => ({ key: m.key, value: m.value, headers: m.headers, partition: partitions[i] })),
        }),
        this.batching.ackTimeoutMs + ABANDON_AFTER_ACK_TIMEOUT_MS,
      );
      return appendedFrom(partitions, answer);
    } catch (e) {
      // A failed or incomplete send may leave requests of this producer still going, and kafkajs'
      // view of what the brokers hold in doubt: a new producer starts clean (new connections). The
      // caller gets 503 and retries with the same event ids.
      this.discardProducer();
      throw e;
    }
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // kafkajs dials the first broker of its list first, and waits its whole request timeout on a
      // broker that accepts connections but never answers (a hung one): after a failure, the next
      // producer starts from the next broker of the list.
      const brokers = this.connection.brokers;
      const shift = this.producersMade++ % brokers.length;
      const kafka =
        shift === 0
          ? this.kafka
          : new Kafka({ ...kafkaConfig({ ...this.connection, brokers: [...brokers.slice(shift), ...brokers.slice(0, shift)] }), logLevel: logLevel.NOTHING });
      const producer = kafka.producer(PRODUCER_OPTIONS);
      await producer.connect();
      return producer;
    })().catch((e) => {
      this.producer = undefined;
      throw e;
    });
    return this.producer;
  }

  private discardProducer(): void {
    const producer = this.producer;
    this.producer = undefined;
    void producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((e) => {
      this.admin = undefined;
      throw e;
    });
    return this.admin;
  }

  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known) return known;
    const admin = await this.connectedAdmin();
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = md.topics[0]?.partitions.length ?? 0;
    if (!count) throw new Error(`topic ${topic} has no partitions`);
    this.partitionCounts.set(topic, count);
    return count;
  }

  async bounds(topic: string): Promise<PartitionBounds[]> {
    const admin = await this.connectedAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
  }

  /** Each partition's leader, replicas and in-sync replicas (broker node ids; leader -1: none now). */
  async replicas(topic: string): Promise<PartitionReplicas[]> {
    const admin = await this.connectedAdmin();
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    return (md.topics[0]?.partitions ?? [])
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort(), isr: [...p.isr].sort() }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** A topic's effective configuration (its own entries and the brokers' defaults), e.g. `min.insync.replicas`. */
  async topicConfig(topic: string): Promise<Record<string, string>> {
    const admin = await this.connectedAdmin();
    const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
    return Object.fromEntries((resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
  }

  async ensureTopics(topics: { events: string; dlq: string }, partitions = LEDGER_TOPIC_PARTITIONS): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: topics.events, numPartitions: partitions },
      { topic: topics.dlq, numPartitions: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length) await this.createTopics(admin, wanted);
    // Ours or another process's, just created: usable once every partition's leader answers.
    await waitForLeaders(admin, [topics.events, topics.dlq]);
  }

  private async createTopics(admin: Admin, wanted: { topic: string; numPartitions: number }[]): Promise<void> {
    const { brokers } = await admin.describeCluster();
    const { replicationFactor, minInsyncReplicas } = replicationFor(brokers.length, this.replication);
    await admin.createTopics({
      // kafkajs's own wait gives up on the first "unknown topic" a broker answers while the new
      // topic's metadata is still spreading (KRaft under load); waitForLeaders below retries it.
      waitForLeaders: false,
      topics: wanted.map((t) => ({
        ...t,
        replicationFactor, // -1: the broker's default.replication.factor
        configEntries: [
          ...(minInsyncReplicas === undefined ? [] : [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }]),
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'message.timestamp.type', value: 'LogAppendTime' },
          { name: 'max.message.bytes', value: MAX_MESSAGE_BYTES },
        ],
      })),
    });
  }

  /** Deletes topics (tests clean up their per-file topics; production never deletes). */
  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length) await admin.deleteTopics({ topics: doomed });
    for (const t of doomed) this.partitionCounts.delete(t);
  }

  async scan(topic: string, upTo: Map<number, string>, handle: (batch: LogBatch) => Promise<void>): Promise<void> {
    // Never wait for records the log does not hold yet: read at most to today's end.
    const limits = new Map<number, bigint>();
    for (const b of await this.bounds(topic)) {
      const wanted = upTo.get(b.partition);
      if (wanted === undefined) continue;
      const limit = BigInt(wanted) < BigInt(b.high) ? BigInt(wanted) : BigInt(b.high);
      if (limit > BigInt(b.low)) limits.set(b.partition, limit);
    }
    const pending = new Set(limits.keys());
    if (!pending.size) return;
    const groupId = `ledger-scan-${Date.now()}-${Math.random().toString(16).slice(2)}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 8 * 1024 * 1024, maxWaitTimeInMs: 500 });
    let settle!: (error?: Error) => void;
    const finished = new Promise<void>((ok, fail) => (settle = (e) => (e ? fail(e) : ok())));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const limit = limits.get(batch.partition) ?? 0n;
          const messages = batch.messages.filter((m) => BigInt(m.offset) < limit);
          try {
            if (messages.length) {
              await handle({ topic, partition: batch.partition, highWatermark: batch.highWatermark, messages: messages.map(toEntry) });
            }
            const last = batch.messages.length ? BigInt(batch.messages[batch.messages.length - 1].offset) : -1n;
            if (last + 1n >= limit || BigInt(batch.offsetLag()) === 0n) pending.delete(batch.partition);
            if (!pending.size) settle();
          } catch (e) {
            settle(e as Error);
          }
        },
      });
      await finished;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin = await this.connectedAdmin().catch(() => undefined);
      await admin?.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  /** Moves a stopped group's Kafka-committed offsets back to the log start (redelivery drills, tests). */
  async resetGroupOffsets(groupId: string, topic: string): Promise<void> {
    const admin = await this.connectedAdmin();
    await admin.resetOffsets({ groupId, topic, earliest: true });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    // maxWaitTimeInMs bounds how long an idle fetch holds a stop or a rebalance (kafkajs waits it out).
    const sessionTimeout = this.connection.sessionTimeoutMs ?? 10_000;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 1_000,
      // kafkajs' 30 s default keeps a crashed projector's partitions idle that long.
      sessionTimeout,
      heartbeatInterval: Math.min(1_000, Math.floor(sessionTimeout / 3)),
    });
    this.consumers.add(consumer);
    const seekedTo = new Map<number, string>();
    const seek = async (partition: number, offset: string) => {
      const bound = (await this.bounds(options.topic)).find((b) => b.partition === partition);
      if (bound && BigInt(offset) < BigInt(bound.low)) throw new OffsetBehindLogStartError(options.topic, partition, offset, bound.low);
      seekedTo.set(partition, offset);
      consumer.seek({ topic: options.topic, partition, offset });
    };
    // Every assigned partition starts at the consumer's stored offset. Batches wait until the seeks
    // of the latest join are done, so nothing fetched from Kafka's own position slips through.
    let assigned: number[] = [];
    const position = async () => {
      const stored = await options.storedOffsets(assigned);
      for (const p of assigned) await seek(p, stored.get(p) ?? '0');
    };
    let positioned: Promise<void> = Promise.resolve();
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = event.payload.memberAssignment[options.topic] ?? [];
      positioned = position();
      positioned.catch(() => undefined);
    });
    const ready = async (heartbeat: () => Promise<void>, active: () => boolean): Promise<boolean> => {
      for (let attempt = 0; active(); attempt++) {
        try {
          await positioned;
          return true;
        } catch (e) {
          if (e instanceof OffsetBehindLogStartError) {
            options.onFatal(e);
            return false;
          }
          options.onRetry?.(e as Error, attempt);
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
          await heartbeat().catch(() => undefined);
          positioned = position();
          positioned.catch(() => undefined);
        }
      }
      return false;
    };
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart) return;
      const error = event.payload.error;
      if (options.onLost && !(error instanceof OffsetBehindLogStartError)) options.onLost(error);
      else options.onFatal(error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    const offsets = new OffsetReporter((committed) => consumer.commitOffsets(committed));
    const concurrency = options.concurrency ?? 3;
    const groups = options.handleTogether && new BatchGroups(options.handleTogether.bind(options), { maxRecords: options.groupRecords ?? 2_000, concurrency });
    const handled = async (logBatch: LogBatch, heartbeat: () => Promise<void>, active: () => boolean): Promise<BatchResult | null> => {
      if (!groups) return handleWithRetry(logBatch, options, heartbeat, active);
      try {
        return await groups.submit(logBatch);
      } catch (e) {
        // The group's transaction rolled back whole: each of its batches goes on its own now (one
        // partition fenced by another consumer no longer holds back the others).
        options.onRetry?.(e as Error, 0);
        return groups.alone(() => handleWithRetry(logBatch, options, heartbeat, active));
      }
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // With groups every partition of a fetch is handed over at once; BatchGroups bounds the transactions.
      partitionsConsumedConcurrently: groups ? GROUPED_PARTITIONS : concurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!(await ready(heartbeat, () => isRunning() && !isStale()))) return;
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const logBatch: LogBatch = {
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: batch.highWatermark,
          fetchedFrom: seekedTo.get(batch.partition),
          messages: batch.messages.map(toEntry),
        };
        seekedTo.delete(batch.partition);
        const result = await handled(logBatch, heartbeat, () => isRunning() && !isStale());
        if (!result) return;
        const { nextOffset } = result;
        const first = BigInt(batch.messages[0].offset);
        if (BigInt(nextOffset) < first) {
          try {
            await seek(batch.partition, nextOffset);
          } catch (e) {
            options.onFatal(e as Error);
          }
          return;
        }
        resolveOffset((BigInt(nextOffset) - 1n).toString());
        // The stored offset in Postgres is the truth; reporting it to Kafka too keeps standard lag tools right.
        offsets.report({ topic: batch.topic, partition: batch.partition, offset: nextOffset });
        await heartbeat();
      },
    });
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        // What was reported so far goes to Kafka while the consumer is still in its group (kafkajs
        // refuses commits once stopped); a batch still in flight is reported at the next start.
        await offsets.flush();
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    // Queued produces go out first (each caller still gets its acknowledgement or its 503).
    await Promise.race([Promise.all([...this.batchers.values()].map((b) => b.drain())), new Promise((r) => setTimeout(r, this.batching.ackTimeoutMs + 1_000).unref())]);
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.consumers.clear();
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all([producer?.then((p) => p.disconnect()).catch(() => undefined), admin?.then((a) => a.disconnect()).catch(() => undefined)]);
  }
}

/**
 * Infrastructure errors (Postgres down) retry the same batch with backoff, heart-beating so the
 * group keeps the partition; the offset does not move until the batch is applied.
 */
async function handleWithRetry(batch: LogBatch, options: SubscribeOptions, heartbeat: () => Promise<void>, active: () => boolean): Promise<BatchResult | null> {
  for (let attempt = 0; active(); attempt++) {
    try {
      return await options.handle(batch);
    } catch (e) {
      if (e instanceof OffsetBehindLogStartError) {
        options.onFatal(e);
        return null;
      }
      options.onRetry?.(e as Error, attempt);
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5_000)));
      await heartbeat().catch(() => undefined);
    }
  }
  return null;
}

/**
 * `work`, or a LogUnavailableError once `ms` have passed (the work goes on unobserved: its outcome
 * is unknown, as a 503 says).
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LogUnavailableError(`the log did not answer within ${ms} ms; the request was abandoned`)), ms);
    timer.unref();
  });
  work.catch(() => undefined);
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Each message's partition and offset from a send's answer (the messages of one partition are
 * appended in send order from its base offset). An answer that lacks a partition is a failure, not
 * a partial success: kafkajs resolves a send so when a partition moved, during its retries, to a
 * broker that had already answered, and it never sent that partition's messages there.
 */
export function appendedFrom(partitions: number[], answer: Pick<RecordMetadata, 'partition' | 'baseOffset' | 'logAppendTime'>[]): Appended[] {
  const next = new Map<number, { offset: bigint; time: string }>();
  for (const md of answer) next.set(md.partition, { offset: BigInt(md.baseOffset ?? '0'), time: md.logAppendTime ?? '-1' });
  return partitions.map((p) => {
    const slot = next.get(p);
    if (!slot) throw new LogUnavailableError(`the log answered without partition ${p}; the outcome is unknown, retry with the same eventId`);
    const offset = slot.offset;
    slot.offset += 1n;
    return { partition: p, offset: offset.toString(), timestamp: slot.time === '-1' ? String(Date.now()) : slot.time };
  });
}

function toEntry(m: KafkaMessage): LogEntry {
  return { offset: m.offset, key: m.key ? m.key.toString('utf8') : null, value: m.value, headers: stringHeaders(m.headers), timestamp: m.timestamp };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    out[k] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}

const LEADER_WAIT_MS = 30_000;

/**
 * Waits until every partition of `topics` has a leader that answers for it (its offsets can be
 * read). Errors Kafka marks retriable (the topic not known to this broker yet, no leader yet, a
 * leader not serving yet) are retried with backoff; others are thrown.
 */
export async function waitForLeaders(admin: Pick<Admin, 'fetchTopicMetadata' | 'fetchTopicOffsets'>, topics: string[], waitMs = LEADER_WAIT_MS): Promise<void> {
  const deadline = Date.now() + waitMs;
  let last = 'no metadata yet';
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const missing = topics.filter((t) => {
        const partitions = found.find((f) => f.name === t)?.partitions ?? [];
        return !partitions.length || partitions.some((p) => p.leader < 0);
      });
      if (!missing.length) {
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
      last = `no leader yet for ${missing.join(', ')}`;
    } catch (e) {
      if (!(e as { retriable?: boolean }).retriable) throw e;
      last = (e as Error).message;
    }
    if (Date.now() + delay > deadline) throw new Error(`Kafka topics ${topics.join(', ')} not ready after ${waitMs / 1000} s: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
