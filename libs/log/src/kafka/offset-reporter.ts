/** One partition's position, as Kafka's OffsetCommit takes it. */
export interface ReportedOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Tells Kafka how far the consumer got, for standard lag tools (kafka-consumer-groups.sh): the
 * stored offset in PostgreSQL is the truth and the consumer always seeks to it, so this is a report,
 * never a condition of going on. An OffsetCommit costs a broker 10–40 ms here (its group
 * coordinator lingers before appending), so it stays off the batches' path: the newest offset of each
 * partition, sent at most every `everyMs` and one request at a time (a broker answers one request of
 * a connection at a time, and commits sent per batch made the fetches behind them wait).
 */
export class OffsetReporter {
  private readonly newest = new Map<string, ReportedOffset>();
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;

  constructor(
    private readonly commit: (offsets: ReportedOffset[]) => Promise<void>,
    private readonly everyMs = 1_000,
  ) {}

  report(offset: ReportedOffset): void {
    this.newest.set(`${offset.topic}\u0000${offset.partition}`, offset);
    if (this.timer || this.sending) return;
    this.timer = setTimeout(() => void this.send(), this.everyMs);
    this.timer.unref();
  }

  /** Sends what is still unreported (best effort) and stops the timer: before the consumer disconnects. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    await this.send();
  }

  private async send(): Promise<void> {
    this.timer = undefined;
    if (!this.newest.size) return;
    const offsets = [...this.newest.values()];
    this.newest.clear();
    this.sending = this.commit(offsets).catch(() => undefined);
    await this.sending;
    this.sending = undefined;
    if (this.newest.size && !this.timer) {
      this.timer = setTimeout(() => void this.send(), this.everyMs);
      this.timer.unref();
    }
  }
}
