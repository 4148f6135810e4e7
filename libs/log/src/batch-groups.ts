import { BatchResult, LogBatch } from './event-log';

export interface BatchGroupOptions {
  /** Most records in one group: a batch alone past it is never grouped. */
  maxRecords: number;
  /** Most groups handled at once (transactions in flight); further groups wait their turn. */
  concurrency: number;
}

interface Waiting {
  batch: LogBatch;
  resolve(result: BatchResult): void;
  reject(error: Error): void;
}

/**
 * Gathers the batches of different partitions a consumer hands over in the same turn (one fetch
 * answers for every partition of a broker) into groups of at most `maxRecords` records, each handled
 * in one call: under a steady trickle, one transaction for a fetch's six partitions of a dozen
 * records each instead of six, so each statement's fixed cost is paid once per fetch. A group's
 * error rejects each of its batches; the caller then handles them one by one.
 */
export class BatchGroups {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private running = 0;
  /** Work waiting for one of the `concurrency` places: groups, and batches going alone. */
  private readonly ready: (() => Promise<void>)[] = [];

  constructor(
    private readonly handle: (batches: LogBatch[]) => Promise<BatchResult[]>,
    private readonly options: BatchGroupOptions,
  ) {}

  submit(batch: LogBatch): Promise<BatchResult> {
    return new Promise<BatchResult>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After every batch of this fetch has been handed over (kafkajs starts them in one turn).
      setImmediate(() => this.close());
    });
  }

  /** Cuts what waited into groups (by partition, so that groups lock offsets in one order) and starts them. */
  private close(): void {
    this.scheduled = false;
    const waiting = this.waiting.sort((a, b) => a.batch.partition - b.batch.partition);
    this.waiting = [];
    for (const group of groupsOf(waiting, this.options.maxRecords)) {
      this.ready.push(() =>
        this.handle(group.map((w) => w.batch)).then(
          (results) => group.forEach((w, i) => w.resolve(results[i])),
          (e: Error) => group.forEach((w) => w.reject(e)),
        ),
      );
    }
    this.next();
  }

  /**
   * Runs `work` (a batch handled on its own after its group failed, with its retries) in one of the
   * same places as the groups: a failed group's batches do not all open transactions at once.
   */
  alone<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.ready.push(() => work().then(resolve, reject));
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.options.concurrency && this.ready.length) {
      const run = this.ready.shift()!;
      this.running++;
      void run().finally(() => {
        this.running--;
        this.next();
      });
    }
  }
}

/** Consecutive runs of at most `maxRecords` records; a larger batch makes a group of its own. */
export function groupsOf<T extends { batch: LogBatch }>(items: T[], maxRecords: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let records = 0;
  for (const item of items) {
    const n = item.batch.messages.length;
    if (current.length && records + n > maxRecords) {
      groups.push(current);
      current = [];
      records = 0;
    }
    current.push(item);
    records += n;
  }
  if (current.length) groups.push(current);
  return groups;
}
