import { LogBackpressureError, LogMessage, LogUnavailableError } from '@ledger/contracts';
import { Appended } from './event-log';

export interface BatcherOptions {
  /** Most messages waiting (queued, not yet sent); past it `enqueue` refuses with 503. */
  maxQueued: number;
  /** Most messages in one produce call. */
  maxBatch: number;
  /** Most value bytes in one produce call (a single caller's messages still travel together). */
  maxBatchBytes: number;
  /** How long a caller waits for the acknowledgement before it gets 503 (outcome unknown). */
  ackTimeoutMs: number;
  /**
   * How long the first message into an idle batcher waits for company before its produce call goes
   * out (0: at once). Single-event requests arriving together then share one produce request
   * instead of costing the broker one each. Not applied while a call is in flight (what queues
   * meanwhile goes out as soon as it returns) nor once `maxBatch` messages wait.
   */
  lingerMs?: number;
}

interface Pending {
  messages: LogMessage[];
  resolve(result: Appended[]): void;
  reject(error: Error): void;
  settled: boolean;
}

/**
 * Lets concurrent callers share produce calls: while one call is in flight, new messages queue up
 * and go out together in the next; when idle, the first message lingers `lingerMs` for others. A
 * caller's messages always travel in one call (a batch request is produced together), and its
 * promise settles only with that call's acknowledgement. Bounded: a full queue refuses at once
 * instead of growing without limit.
 */
export class ProduceBatcher {
  private queue: Pending[] = [];
  private queued = 0;
  private flushing = false;
  private lingering?: NodeJS.Timeout;

  constructor(
    private readonly send: (messages: LogMessage[]) => Promise<Appended[]>,
    private readonly options: BatcherOptions,
  ) {}

  get waiting(): number {
    return this.queued;
  }

  /** Resolves once nothing is queued or in flight (shutdown: flush before closing the producer). */
  async drain(): Promise<void> {
    while (this.flushing || this.queue.length) await new Promise((r) => setTimeout(r, 10));
  }

  enqueue(messages: LogMessage[]): Promise<Appended[]> {
    if (messages.length === 0) return Promise.resolve([]);
    if (this.queued + messages.length > Math.max(this.options.maxQueued, messages.length)) {
      return Promise.reject(new LogBackpressureError());
    }
    return new Promise<Appended[]>((resolve, reject) => {
      const pending: Pending = { messages, resolve, reject, settled: false };
      const timer = setTimeout(() => {
        if (pending.settled) return;
        pending.settled = true;
        reject(new LogUnavailableError(`no acknowledgement within ${this.options.ackTimeoutMs} ms; the outcome is unknown, retry with the same eventId`));
      }, this.options.ackTimeoutMs);
      pending.resolve = (r) => {
        clearTimeout(timer);
        if (!pending.settled) {
          pending.settled = true;
          resolve(r);
        }
      };
      pending.reject = (e) => {
        clearTimeout(timer);
        if (!pending.settled) {
          pending.settled = true;
          reject(e);
        }
      };
      this.queue.push(pending);
      this.queued += messages.length;
      this.schedule();
    });
  }

  /** Starts a produce call now, after the linger, or not at all while one is in flight. */
  private schedule(): void {
    if (this.flushing) return;
    const linger = this.options.lingerMs ?? 0;
    if (linger > 0 && this.queued < this.options.maxBatch) {
      this.lingering ??= setTimeout(() => {
        this.lingering = undefined;
        if (!this.flushing) void this.flush();
      }, linger);
      return;
    }
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.lingering) {
      clearTimeout(this.lingering);
      this.lingering = undefined;
    }
    this.flushing = true;
    try {
      while (this.queue.length) {
        const group = this.take();
        const messages = group.flatMap((p) => p.messages);
        try {
          const results = await this.send(messages);
          let i = 0;
          for (const p of group) {
            p.resolve(results.slice(i, i + p.messages.length));
            i += p.messages.length;
          }
        } catch (e) {
          const error = e instanceof Error ? e : new Error(String(e));
          const unavailable = error instanceof LogUnavailableError ? error : new LogUnavailableError(error.message);
          for (const p of group) p.reject(unavailable);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Takes whole callers off the queue up to `maxBatch` messages (always at least one caller). */
  private take(): Pending[] {
    const group: Pending[] = [];
    let count = 0;
    let bytes = 0;
    while (this.queue.length) {
      const next = this.queue[0];
      const size = next.messages.reduce((n, m) => n + m.value.length, 0);
      if (group.length && (count + next.messages.length > this.options.maxBatch || bytes + size > this.options.maxBatchBytes)) break;
      this.queue.shift();
      this.queued -= next.messages.length;
      // A caller that timed out while queued was told 503; its messages must not be written after all.
      if (next.settled) continue;
      group.push(next);
      count += next.messages.length;
      bytes += size;
    }
    return group;
  }
}
