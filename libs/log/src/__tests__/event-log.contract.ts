import { randomBytes, randomUUID } from 'node:crypto';
import { LEDGER_TOPIC_PARTITIONS, LogMessage, LogUnavailableError, partitionForKey } from '@ledger/contracts';
import { Appended, BatchResult, EventLog, LogBatch, LogEntry, Subscription } from '../event-log';
import { eventually } from '@ledger/testing';

/** A log to put through the contract, with topics of its own (created), and how to dispose of both. */
export interface LogUnderTest {
  log: EventLog;
  topics: { events: string; dlq: string };
  close(): Promise<void>;
}

/** Larger than the ledger topics' max.message.bytes (8 MiB): every engine must refuse it. */
const OVERSIZED = 9 * 1024 * 1024;
/** How long "nothing more arrives" is watched for: longer than the embedded log's poll. */
const QUIET_MS = 1_000;

/**
 * What every EventLog must do, as the projector and the ingest API rely on it: the Kafka adapter
 * and the embedded log each run this suite against a real server. The tests share the log's
 * topics; each one uses fresh keys and starts its consumers at the offsets it found.
 */
/** What a log promises beyond the port's minimum. */
export interface LogGuarantees {
  /** A failed append spanning partitions wrote none of them (the embedded log: one transaction). */
  atomicAcrossPartitions: boolean;
}

export function describeLogContract(name: string, makeLog: () => Promise<LogUnderTest>, guarantees: LogGuarantees): void {
  describe(`${name}: the log contract`, () => {
    let subject: LogUnderTest;
    let log: EventLog;
    let topic: string;
    const consumers: Consumer[] = [];
    const consume = (from: Map<number, bigint>, decide?: Decide, groupId = `contract-${randomUUID()}`) => {
      const consumer = new Consumer(log, topic, groupId, from, decide);
      consumers.push(consumer);
      return consumer.start();
    };

    beforeAll(async () => {
      subject = await makeLog();
      log = subject.log;
      topic = subject.topics.events;
    });
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
    });
    afterAll(async () => subject?.close());

    it('answers each appended message with its partition, offset and record time, in input order', async () => {
      const count = (await log.bounds(topic)).length;
      const messages = freshKeys(12).map((key, i) => message(key, i));
      const appended = await log.append(topic, messages);
      expect(appended).toHaveLength(messages.length);
      appended.forEach((a, i) => {
        expect(a.partition).toBe(partitionForKey(messages[i].key, count));
        expect(a.offset).toMatch(/^\d+$/);
        expect(a.timestamp).toMatch(/^\d+$/);
      });
      for (const offsets of offsetsByPartition(appended).values()) expect(offsets).toEqual([...offsets].sort(compare));
    });

    it('numbers each partition gap-free and increasing', async () => {
      const before = await highs(log, topic);
      const appended: Appended[] = [];
      for (let call = 0; call < 4; call++)
        appended.push(
          ...(await log.append(
            topic,
            freshKeys(10).map((k, i) => message(k, i)),
          )),
        );
      expectContiguous(appended, before);
      expect(await highs(log, topic)).toEqual(advanced(before, appended));
    });

    it('sends every message of one key to the same partition', async () => {
      const [key] = freshKeys(1);
      const appended = [
        ...(await log.append(
          topic,
          [0, 1, 2, 3, 4].map((i) => message(key, i)),
        )),
      ];
      for (let i = 5; i < 10; i++) appended.push(...(await log.append(topic, [message(key, i)])));
      expect(new Set(appended.map((a) => a.partition))).toEqual(new Set([partitionForKey(key, (await log.bounds(topic)).length)]));
    });

    it('writes all messages of one append or none of them (one partition)', async () => {
      const [key] = freshKeys(1);
      const before = await highs(log, topic);
      const messages = [message(key, 0), message(key, 1), { ...message(key, 2), value: Buffer.alloc(OVERSIZED, 1) }, message(key, 3)];
      await expect(log.append(topic, messages)).rejects.toBeInstanceOf(LogUnavailableError);
      expect(await highs(log, topic)).toEqual(before);
      const [next] = await log.append(topic, [message(key, 4)]);
      expect(BigInt(next.offset)).toBe(before.get(next.partition));
    });

    it('scans every record up to the given offsets, in partition order, without a consumer group', async () => {
      const keys = freshKeys(12);
      const appended = await log.append(
        topic,
        keys.map((k, i) => message(k, i)),
      );
      const upTo = new Map([...(await highs(log, topic))].map(([p, h]) => [p, h.toString()]));
      const seen = new Map<number, string[]>();
      await log.scan(topic, upTo, async (batch) => {
        seen.set(batch.partition, [...(seen.get(batch.partition) ?? []), ...batch.messages.map((m) => m.offset)]);
      });
      for (const a of appended) expect(seen.get(a.partition)).toContain(a.offset);
      for (const offsets of seen.values()) expect(offsets).toEqual([...offsets].sort(compare));
      const first = appended[0];
      const partial: string[] = [];
      await log.scan(topic, new Map([[first.partition, first.offset]]), async (batch) => void partial.push(...batch.messages.map((m) => m.offset)));
      expect(partial.every((o) => BigInt(o) < BigInt(first.offset))).toBe(true);
      expect(partial).toEqual(seen.get(first.partition)!.filter((o) => BigInt(o) < BigInt(first.offset)));
    });

    it('reports low and high offsets per partition that follow the appends', async () => {
      const before = await log.bounds(topic);
      expect(before.map((b) => b.partition)).toEqual(before.map((_, i) => i));
      const appended = await log.append(
        topic,
        freshKeys(20).map((k, i) => message(k, i)),
      );
      const after = await log.bounds(topic);
      const expected = advanced(new Map(before.map((b) => [b.partition, BigInt(b.high)])), appended);
      for (const b of after) {
        expect(BigInt(b.high)).toBe(expected.get(b.partition));
        expect(BigInt(b.low)).toBeLessThanOrEqual(BigInt(b.high));
        expect(b.low).toBe(before[b.partition].low);
      }
    });

    it('delivers every message exactly once, in partition order, with key, value and headers intact', async () => {
      const from = await highs(log, topic);
      const consumer = await consume(from);
      const keys = freshKeys(8);
      const sent: { message: LogMessage; appended: Appended }[] = [];
      const together = keys.map((k, i) => message(k, i));
      (await log.append(topic, together)).forEach((appended, i) => sent.push({ message: together[i], appended }));
      for (let i = 0; i < 32; i++) {
        const alone = message(keys[i % keys.length], 100 + i);
        sent.push({ message: alone, appended: (await log.append(topic, [alone]))[0] });
      }
      await consumer.waitFor(sent.length);
      await quiet();
      expect(consumer.received()).toHaveLength(sent.length);
      expectInOrderFrom(consumer, from);
      for (const { message: m, appended } of sent) {
        const entry = consumer.at(appended.partition, appended.offset);
        expect(entry).toBeDefined();
        expect(entry?.key).toBe(m.key);
        expect(entry?.value?.equals(m.value)).toBe(true);
        expect(entry?.headers).toEqual(m.headers);
        expect(entry?.timestamp).toBe(appended.timestamp);
      }
    });

    it('resumes at the stored offsets after a restart and redelivers nothing below them', async () => {
      const groupId = `contract-${randomUUID()}`;
      const from = await highs(log, topic);
      const [key, ...others] = freshKeys(6);
      const first = await consume(from, undefined, groupId);
      const early = await log.append(topic, [0, 1, 2].map((i) => message(key, i)).concat(others.map((k, i) => message(k, 10 + i))));
      await first.waitFor(early.length);
      await first.stop();

      // The consumer says it applied all but the last message of `key`'s partition.
      const stored = new Map(from);
      for (const a of early) stored.set(a.partition, BigInt(a.offset) + 1n);
      const rewound = early[2];
      stored.set(rewound.partition, BigInt(rewound.offset));
      const again = early.filter((a) => a.partition === rewound.partition && BigInt(a.offset) >= BigInt(rewound.offset));
      const late = await log.append(
        topic,
        others.map((k, i) => message(k, 20 + i)),
      );
      const second = await consume(stored, undefined, groupId);
      await second.waitFor(late.length + again.length);
      await quiet();
      expect(second.received()).toHaveLength(late.length + again.length);
      expectInOrderFrom(second, stored);
      expect(second.at(rewound.partition, rewound.offset)).toBeDefined();
    });

    it('hands a batch whose handler threw to the handler again, skipping nothing', async () => {
      const [key] = freshKeys(1);
      const from = await highs(log, topic);
      let failed: LogBatch | undefined;
      const consumer = await consume(from, (batch) => {
        if (!failed) {
          failed = batch;
          throw new Error('the database is down');
        }
        return accept(batch);
      });
      const appended = await log.append(
        topic,
        [0, 1, 2, 3, 4].map((i) => message(key, i)),
      );
      await consumer.waitFor(appended.length);
      expect(consumer.retries[0]).toMatchObject({ attempt: 0, message: 'the database is down' });
      const afterFailure = consumer.batches[consumer.batches.indexOf(failed as LogBatch) + 1];
      expect(afterFailure.messages[0].offset).toBe((failed as LogBatch).messages[0].offset);
      expect(consumer.received().map((e) => e.offset)).toEqual(appended.map((a) => a.offset));
    });

    it('delivers again from nextOffset when the handler answers an offset below the batch', async () => {
      const [key] = freshKeys(1);
      const partition = partitionForKey(key, (await log.bounds(topic)).length);
      const from = await highs(log, topic);
      const base = from.get(partition) as bigint;
      let rewound = false;
      const consumer = await consume(from, (batch) => {
        if (!rewound && BigInt(batch.messages[0].offset) >= base + 5n) {
          rewound = true;
          return { nextOffset: (base + 2n).toString() };
        }
        return accept(batch);
      });
      await log.append(
        topic,
        [0, 1, 2, 3, 4].map((i) => message(key, i)),
      );
      await consumer.waitFor(5);
      await log.append(
        topic,
        [5, 6, 7].map((i) => message(key, i)),
      );
      await consumer.waitFor(5 + 6);
      const offsets = consumer.received().map((e) => BigInt(e.offset) - base);
      expect(offsets).toEqual([0n, 1n, 2n, 3n, 4n, 2n, 3n, 4n, 5n, 6n, 7n]);
    });

    it('stamps records with the log clock: close to now, never decreasing along a partition', async () => {
      const keys = freshKeys(3);
      const started = Date.now();
      const appended = (await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(topic, [message(keys[i % 3], i)])))).flat();
      const ended = Date.now();
      for (const a of appended) {
        expect(Number(a.timestamp)).toBeGreaterThanOrEqual(started - 2_000);
        expect(Number(a.timestamp)).toBeLessThanOrEqual(ended + 2_000);
      }
      const byPartition = new Map<number, Appended[]>();
      for (const a of appended) byPartition.set(a.partition, [...(byPartition.get(a.partition) ?? []), a]);
      for (const list of byPartition.values()) {
        const times = list.sort((x, y) => compare(x.offset, y.offset)).map((a) => Number(a.timestamp));
        expect(times).toEqual([...times].sort((x, y) => x - y));
      }
    });

    it('creates topics idempotently, with the ledger partition counts', async () => {
      const before = { events: await log.bounds(topic), dlq: await log.bounds(subject.topics.dlq) };
      await log.ensureTopics(subject.topics);
      await log.ensureTopics(subject.topics);
      expect(await log.bounds(topic)).toEqual(before.events);
      expect(before.events).toHaveLength(LEDGER_TOPIC_PARTITIONS);
      expect(await log.bounds(subject.topics.dlq)).toEqual(before.dlq);
      expect(before.dlq).toHaveLength(1);
      const [dead] = await log.append(subject.topics.dlq, [message(freshKeys(1)[0], 0)]);
      expect(dead).toMatchObject({ partition: 0, offset: before.dlq[0].high });
    });

    it('round-trips a 1.5 MB message', async () => {
      const from = await highs(log, topic);
      const consumer = await consume(from);
      const big = { ...message(freshKeys(1)[0], 0), value: randomBytes(1.5 * 1024 * 1024) };
      const [appended] = await log.append(topic, [big]);
      await consumer.waitFor(1);
      expect(consumer.at(appended.partition, appended.offset)?.value?.equals(big.value)).toBe(true);
    });

    it('gives 50 concurrent callers of 20 messages each distinct, gap-free offsets', async () => {
      const before = await highs(log, topic);
      const keys = freshKeys(30);
      const calls = Array.from({ length: 50 }, (_, c) => Array.from({ length: 20 }, (_, i) => message(keys[(c * 7 + i) % keys.length], c * 100 + i)));
      const answers = await Promise.all(calls.map((messages) => log.append(topic, messages)));
      const appended = answers.flat();
      expect(new Set(appended.map((a) => `${a.partition}:${a.offset}`)).size).toBe(1000);
      expectContiguous(appended, before);
      for (const answer of answers) {
        for (const offsets of offsetsByPartition(answer).values()) expect(offsets).toEqual([...offsets].sort(compare));
      }
      expect(await highs(log, topic)).toEqual(advanced(before, appended));
    });

    // Last: a log that fails these may be left unable to append at all.
    const acrossPartitions = guarantees.atomicAcrossPartitions
      ? 'writes all messages of one append or none of them (across partitions)'
      : 'a refused append spanning partitions is reported as refused';
    it(acrossPartitions, async () => {
      const count = (await log.bounds(topic)).length;
      const keys = keysOnDistinctPartitions(count, 3);
      const before = await highs(log, topic);
      const messages = [message(keys[0], 0), message(keys[1], 1), { ...message(keys[2], 2), value: Buffer.alloc(OVERSIZED, 1) }];
      await expect(log.append(topic, messages)).rejects.toBeInstanceOf(LogUnavailableError);
      // Kafka may have written the other partitions: the port promises atomicity within one only.
      if (guarantees.atomicAcrossPartitions) expect(await highs(log, topic)).toEqual(before);
    });

    it('keeps appending after refusing an append that spans partitions', async () => {
      const keys = keysOnDistinctPartitions((await log.bounds(topic)).length, 3);
      const refused = [message(keys[0], 0), message(keys[1], 1), { ...message(keys[2], 2), value: Buffer.alloc(OVERSIZED, 1) }];
      await expect(log.append(topic, refused)).rejects.toBeInstanceOf(LogUnavailableError);
      const before = await highs(log, topic);
      const appended = await log.append(
        topic,
        keys.map((k, i) => message(k, 10 + i)),
      );
      expectContiguous(appended, before);
    });
  });
}

type Decide = (batch: LogBatch) => BatchResult | Promise<BatchResult>;

/** A subscriber that records what it was handed; by default it applies every batch whole. */
class Consumer {
  readonly batches: LogBatch[] = [];
  readonly retries: { attempt: number; message: string }[] = [];
  private readonly accepted = new Map<number, LogEntry[]>();
  private subscription?: Subscription;
  private fatal?: Error;

  constructor(
    private readonly log: EventLog,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly from: Map<number, bigint>,
    private readonly decide: Decide = accept,
  ) {}

  async start(): Promise<this> {
    this.subscription = await this.log.subscribe({
      topic: this.topic,
      groupId: this.groupId,
      storedOffsets: async (partitions) => new Map(partitions.flatMap((p) => (this.from.has(p) ? [[p, String(this.from.get(p))]] : []))),
      handle: async (batch) => {
        this.batches.push(batch);
        const result = await this.decide(batch);
        const next = BigInt(result.nextOffset);
        const kept = batch.messages.filter((m) => BigInt(m.offset) < next);
        this.accepted.set(batch.partition, [...(this.accepted.get(batch.partition) ?? []), ...kept]);
        return result;
      },
      onRetry: (error, attempt) => this.retries.push({ attempt, message: error.message }),
      onFatal: (error) => (this.fatal = error),
    });
    return this;
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  received(): LogEntry[] {
    return [...this.accepted.values()].flat();
  }

  at(partition: number, offset: string): LogEntry | undefined {
    return this.accepted.get(partition)?.find((e) => e.offset === offset);
  }

  partitions(): Map<number, LogEntry[]> {
    return this.accepted;
  }

  async waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    await eventually(async () => {
      if (this.fatal) throw this.fatal;
      return this.received().length >= count ? true : undefined;
    }, timeoutMs);
  }
}

function accept(batch: LogBatch): BatchResult {
  return { nextOffset: (BigInt(batch.messages[batch.messages.length - 1].offset) + 1n).toString() };
}

function message(key: string, i: number): LogMessage {
  return {
    key,
    value: Buffer.concat([Buffer.from(`message ${i} of ${key} `), randomBytes(16)]),
    headers: { ce_id: randomUUID(), ce_type: 'StatementMade', note: `ünïcode ${i} ✓` },
  };
}

function freshKeys(n: number): string[] {
  return Array.from({ length: n }, () => `key-${randomUUID()}`);
}

function keysOnDistinctPartitions(partitions: number, n: number): string[] {
  const byPartition = new Map<number, string>();
  while (byPartition.size < Math.min(n, partitions)) {
    const [key] = freshKeys(1);
    byPartition.set(partitionForKey(key, partitions), key);
  }
  return [...byPartition.values()];
}

async function highs(log: EventLog, topic: string): Promise<Map<number, bigint>> {
  return new Map((await log.bounds(topic)).map((b) => [b.partition, BigInt(b.high)]));
}

function advanced(before: Map<number, bigint>, appended: Appended[]): Map<number, bigint> {
  const after = new Map(before);
  for (const a of appended) after.set(a.partition, (after.get(a.partition) as bigint) + 1n);
  return after;
}

function offsetsByPartition(appended: Appended[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const a of appended) out.set(a.partition, [...(out.get(a.partition) ?? []), a.offset]);
  return out;
}

function expectContiguous(appended: Appended[], before: Map<number, bigint>): void {
  for (const [partition, offsets] of offsetsByPartition(appended)) {
    const start = before.get(partition) as bigint;
    expect([...offsets].sort(compare)).toEqual(offsets.map((_, i) => (start + BigInt(i)).toString()));
  }
}

/** Every partition's accepted records: consecutive from the start offset, each once. */
function expectInOrderFrom(consumer: Consumer, from: Map<number, bigint>): void {
  for (const [partition, entries] of consumer.partitions()) {
    const start = from.get(partition) ?? 0n;
    expect(entries.map((e) => e.offset)).toEqual(entries.map((_, i) => (start + BigInt(i)).toString()));
  }
}

function compare(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function quiet(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, QUIET_MS));
}
