import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface EventWorkResult {
  threads: number;
  seconds: number;
  /** Events per second over all threads. */
  perSecond: number;
}

/**
 * The ceiling our own per-event work puts on ingest: every core (a worker thread each) doing only
 * what the ingest API does to each event — validation, content hash, encoding — on the bench's
 * generated events, with no HTTP, no duplicate lookup and no Kafka. No server that validates with
 * the same code can acknowledge more events per second on this machine than this.
 */
export async function eventWorkCeiling(options: { warmupSec: number; measureSec: number; publisher: string; threads?: number }): Promise<EventWorkResult> {
  const threads = options.threads ?? availableParallelism();
  const workerData = { warmupMs: options.warmupSec * 1000, measureMs: options.measureSec * 1000, publisher: options.publisher };
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(join(__dirname, 'event-work-worker.js'), { workerData });
          worker.once('message', (n: number) => resolve(n));
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`event-work worker exited with ${code}`)));
        }),
    ),
  );
  const events = counts.reduce((a, b) => a + b, 0);
  return { threads, seconds: options.measureSec, perSecond: events / options.measureSec };
}
