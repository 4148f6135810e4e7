import { KafkaEventLog } from '@ledger/log';
import { Body, LedgerWorld, toMessage, WorldOptions } from './world';

/** Events validated one by one before they are written; past this, one in VALIDATE_EVERY (the generator is deterministic). */
const VALIDATE_ALL_UP_TO = 20_000;
const VALIDATE_EVERY = 25;
const CHUNK = 4_000;
const IN_FLIGHT = 4;

export interface Preloaded {
  /** Records written: the registry, then the stream. */
  records: number;
  registry: number;
  /** Mean value, key and header bytes of a record. */
  valueBytes: number;
  keyBytes: number;
  headerBytes: number;
  seconds: number;
  /** Up to 1,000 record values, for Kafka's perf tools. */
  sample: string[];
}

/**
 * Writes `records` events of a world straight to the log, as a direct publisher would (our
 * KafkaEventLog, acks=all): the registry first, then the stream. The same options give
 * the same events again (`worldEvents`), for the baselines.
 */
export async function preloadWorld(brokers: string[], topic: string, world: WorldOptions, records: number, publisher: string): Promise<Preloaded> {
  return appendBodies(brokers, topic, worldEvents(world, records), publisher);
}

/** Writes bodies to the log in order, as complete envelopes of `publisher` (see preloadWorld). */
export async function appendBodies(brokers: string[], topic: string, bodies: Iterable<{ body: Body; isRegistry: boolean }>, publisher: string): Promise<Preloaded> {
  const log = new KafkaEventLog({ brokers, clientId: 'ledger-bench-preload' }, { maxQueued: 100_000, maxBatch: CHUNK, maxBatchBytes: 8 * 1024 * 1024, ackTimeoutMs: 120_000 });
  const started = process.hrtime.bigint();
  const sizes = { value: 0, key: 0, headers: 0 };
  const sample: string[] = [];
  let registry = 0;
  let records = 0;
  const inFlight = new Set<Promise<unknown>>();
  try {
    let chunk = [];
    for (const { body, isRegistry } of bodies) {
      if (isRegistry) registry++;
      const message = toMessage(body, publisher, records < VALIDATE_ALL_UP_TO || records % VALIDATE_EVERY === 0);
      sizes.value += message.value.length;
      sizes.key += message.key.length;
      sizes.headers += Object.entries(message.headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (sample.length < 1000 && !isRegistry) sample.push(message.value.toString('utf8'));
      chunk.push(message);
      records++;
      if (chunk.length === CHUNK) {
        const sent = log.append(topic, chunk);
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent)).catch(() => undefined);
        if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        chunk = [];
      }
    }
    if (chunk.length) inFlight.add(log.append(topic, chunk));
    await Promise.all(inFlight);
  } finally {
    await log.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { records, registry, valueBytes: sizes.value / records, keyBytes: sizes.key / records, headerBytes: sizes.headers / records, seconds, sample };
}

/** The world's first `records` events in log order: the registry, then the stream. */
export function* worldEvents(options: WorldOptions, records: number): Generator<{ body: Record<string, any>; isRegistry: boolean }> {
  const world = new LedgerWorld(options);
  let n = 0;
  for (const body of world.registry()) {
    if (n++ >= records) return;
    yield { body, isRegistry: true };
  }
  while (n++ < records) yield { body: world.next(), isRegistry: false };
}
