/** The Kafka adapter's retry schedule: 100 ms doubling, at most 5 s. */
export function backoff(attempt: number): number {
  return Math.min(100 * 2 ** attempt, 5_000);
}

/** Waits `ms`, or less when `signal` aborts (a stopping subscriber must not sit out a backoff). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A counting semaphore: how many partitions are processed at once. */
export class Slots {
  private readonly queue: (() => void)[] = [];

  constructor(private free: number) {}

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * One flag per partition: "there may be new records". A signal that arrives while the partition is
 * busy is kept, so a worker that clears its flag before reading never sleeps through an append.
 */
export class Wakeups {
  private readonly pending: boolean[];
  private readonly waiters: ((() => void) | undefined)[];

  constructor(partitions: number) {
    this.pending = new Array<boolean>(partitions).fill(false);
    this.waiters = new Array<(() => void) | undefined>(partitions).fill(undefined);
  }

  signal(partition: number): void {
    if (partition < 0 || partition >= this.pending.length) return;
    this.pending[partition] = true;
    const waiter = this.waiters[partition];
    this.waiters[partition] = undefined;
    waiter?.();
  }

  signalAll(): void {
    for (let p = 0; p < this.pending.length; p++) this.signal(p);
  }

  clear(partition: number): void {
    this.pending[partition] = false;
  }

  wait(partition: number): Promise<void> {
    if (this.pending[partition]) return Promise.resolve();
    return new Promise((resolve) => (this.waiters[partition] = resolve));
  }
}
