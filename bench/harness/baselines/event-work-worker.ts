import { parentPort, workerData } from 'node:worker_threads';
import 'reflect-metadata';
import { canonicalEnvelope, encodeEventWith, prepareEnvelope } from '@ledger/contracts';
import { EventBodies } from '../world/bodies';

/**
 * One thread of the per-event work ceiling (event-work.ts): the ingest API's own work on each event
 * of a request body — prepareEnvelope (the compiled validator), one canonical serialisation serving the
 * content hash and the log value, encodeEventWith — over and over,
 * with no HTTP and no Kafka. Answers how many events it got through in the measured seconds.
 */
const { warmupMs, measureMs, publisher } = workerData as { warmupMs: number; measureMs: number; publisher: string };
const bodies = new EventBodies();
const parsed: unknown[] = Array.from({ length: 5_000 }, () => JSON.parse(bodies.event()));
let next = 0;

function work(ms: number): number {
  let done = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (let i = 0; i < 100; i++) {
      const event = prepareEnvelope(parsed[next++ % parsed.length], publisher);
      encodeEventWith(event, canonicalEnvelope(event).bytes);
    }
    done += 100;
  }
  return done;
}

work(warmupMs);
parentPort!.postMessage(work(measureMs));
