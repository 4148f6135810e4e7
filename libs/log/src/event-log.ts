import { LogMessage } from '@ledger/contracts';

/** Where an appended message landed, and the log's record time for it. */
export interface Appended {
  partition: number;
  offset: string;
  /** Record time, ms since the epoch, as the log stamped it (Kafka LogAppendTime). */
  timestamp: string;
}

/** One message read back from the log. */
export interface LogEntry {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Record time, ms since the epoch. */
  timestamp: string;
}

/** Consecutive messages of one partition. */
export interface LogBatch {
  topic: string;
  partition: number;
  messages: LogEntry[];
  /** Offset of the next message the log will write to this partition. */
  highWatermark: string;
  /**
   * Set when this batch was fetched right after a seek to that offset: any gap between it and the
   * first message is the log's own (deleted or control records), not a message the consumer missed.
   */
  fetchedFrom?: string;
}

/** What the handler decided: the offset the next batch of this partition must start at. */
export interface BatchResult {
  nextOffset: string;
}

export interface SubscribeOptions {
  topic: string;
  groupId: string;
  /** Applies a batch and answers where to continue. Throwing retries the same batch, with backoff. */
  handle(batch: LogBatch): Promise<BatchResult>;
  /**
   * Optional: applies batches of different partitions fetched together in one step (one
   * transaction), answering each one's result in the same order. A log that fetches several
   * partitions at once hands them over together, at most `groupRecords` records; throwing sends
   * each batch through `handle` on its own, with its retries.
   */
  handleTogether?(batches: LogBatch[]): Promise<BatchResult[]>;
  /** Most records in one handleTogether call (default 2,000); a larger batch goes alone. */
  groupRecords?: number;
  /** Where each assigned partition must start: the consumer's own stored offset. */
  storedOffsets(partitions: number[]): Promise<Map<number, string>>;
  /** Called before a failed batch is retried (an infrastructure error: Postgres down). */
  onRetry?(error: Error, attempt: number): void;
  /** Called when the consumer cannot go on (a stored offset behind the log start). */
  onFatal(error: Error): void;
  /**
   * Called when the consumer stopped on an error the log may recover from (the brokers out of reach
   * for longer than the client retries); the subscriber may subscribe again. Without it, onFatal.
   */
  onLost?(error: Error): void;
  /** How many partitions (with handleTogether: groups of them) are processed at once. */
  concurrency?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

/** Low and high watermarks of one partition. */
export interface PartitionBounds {
  partition: number;
  low: string;
  high: string;
}

/**
 * The log port: append with acknowledgement from all in-sync replicas, consume by partition and
 * offset. Kafka is the production engine; the embedded log (Postgres tables) implements the same
 * port for a single machine.
 */
export abstract class EventLog {
  /**
   * Appends messages together; resolves only when the log acknowledged every one of them. Within
   * one partition an append is all or nothing and in order. Across partitions a failed append may
   * have written some partitions (Kafka has no atomic multi-partition write without transactions):
   * the caller got an error, retries with the same event ids, and the projector applies each once.
   */
  abstract append(topic: string, messages: LogMessage[]): Promise<Appended[]>;
  abstract subscribe(options: SubscribeOptions): Promise<Subscription>;
  abstract bounds(topic: string): Promise<PartitionBounds[]>;
  /**
   * Reads every record of `topic` from the log start up to `upTo` (exclusive, per partition; a
   * partition not named is not read), each batch from one partition and in offset order, without a
   * consumer group's offsets: for audits and replays.
   */
  abstract scan(topic: string, upTo: Map<number, string>, handle: (batch: LogBatch) => Promise<void>): Promise<void>;
  /** Creates the topics if they do not exist yet (never by broker auto-creation). */
  abstract ensureTopics(topics: { events: string; dlq: string }): Promise<void>;
  abstract close(): Promise<void>;
}

/** A stored offset lies before the first offset the log still holds: messages were lost to the consumer. */
export class OffsetBehindLogStartError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly stored: string,
    readonly logStart: string,
  ) {
    super(`stored offset ${stored} of ${topic}[${partition}] is behind the log start ${logStart}: refusing to skip messages`);
    this.name = 'OffsetBehindLogStartError';
  }
}
