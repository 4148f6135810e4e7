import { Pool } from 'pg';
import { LedgerTopics, partitionForKey } from '@ledger/contracts';
import { loadConfig } from '@ledger/config';
import { LogBatch, LogEntry } from '@ledger/log';
import { BatchApplier } from '../../../apps/projector/src/projection/batch-applier';
import { CpuAccumulator, cpuWindow } from '../measure/cpu';
import type { CpuUse, Watched } from '../types';
import { worldEvents } from '../world/preload';
import { toMessage, WorldOptions } from '../world/world';
import { clockedCheckouts, NoEventLog } from './applier-stand-ins';

/** Records made at a time (untimed) before their batches are applied (timed). */
const SEGMENT = 20_000;

export interface InProcessResult {
  records: number;
  batches: number;
  /** Time inside the transactions only (making and decoding the batches is not counted). */
  seconds: number;
  perSecond: number;
  cpu: CpuUse;
  topOthers: string[];
}

interface Spec {
  world: WorldOptions;
  records: number;
  publisher: string;
  /** Records per batch (one partition each), as the projector saw them. */
  batchSize: number;
  partitions: number;
  group: string;
  topics: LedgerTopics;
  watch: Watched;
}

/**
 * Baseline (a): the projector's own transactions with no Kafka. The projector's BatchApplier, built
 * here with its dependencies, applies batches of one partition made in this process from the
 * world's records (as the projector would fetch them), one after the other. Only its transactions
 * are timed (offset lock, duplicate lookup, journal rows and hash chain, read models, offset
 * compare-and-set, notification): not making the records, nor decoding them, which BatchApplier
 * does before it opens its transaction.
 */
export async function applySqlShape(pool: Pool, spec: Spec): Promise<InProcessResult> {
  const clock = clockedCheckouts(pool);
  const config = loadConfig({}, { LEDGER_PROJECTOR_GROUP: spec.group });
  const applier = new BatchApplier(clock.pool, new NoEventLog(), spec.topics, config);
  applier.onApplied((b) => {
    if (b.duplicates || b.rejected.length)
      throw new Error(`baseline: partition ${b.partition} had ${b.duplicates} duplicates and ${b.rejected.length} rejections; the bench world's records must all apply`);
  });
  const apply = async (batch: LogBatch) => {
    const expected = String(BigInt(batch.messages[batch.messages.length - 1].offset) + 1n);
    const { nextOffset } = await applier.handle(batch);
    if (nextOffset !== expected) throw new Error(`baseline: partition ${batch.partition} stopped at ${nextOffset}, expected ${expected}`);
  };
  const result = await runSegments(spec, apply);
  const seconds = clock.seconds();
  return { ...result, seconds, perSecond: spec.records / seconds };
}

/**
 * Splits the world's records into batches of one partition each (Kafka's partitioner over the
 * subject key, offsets in order), makes a segment of them untimed, then applies them one after the
 * other, reading the CPU of every process meanwhile.
 */
async function runSegments(spec: Spec, apply: (b: LogBatch) => Promise<void>): Promise<{ records: number; batches: number; cpu: CpuUse; topOthers: string[] }> {
  const offsets = new Map<number, number>();
  const buckets = new Map<number, LogEntry[]>();
  let segment: LogBatch[] = [];
  let pending = 0;
  let batches = 0;
  const cpu = new CpuAccumulator();
  const flushSegment = async () => {
    const end = cpuWindow(spec.watch, 'bench');
    const started = process.hrtime.bigint();
    for (const b of segment) await apply(b);
    cpu.add(end(), Number(process.hrtime.bigint() - started) / 1e9);
    batches += segment.length;
    segment = [];
    pending = 0;
  };
  const close = (partition: number) => {
    const messages = buckets.get(partition);
    if (!messages?.length) return;
    const next = String(Number(messages[messages.length - 1].offset) + 1);
    segment.push({ topic: spec.topics.events, partition, messages, highWatermark: next });
    buckets.set(partition, []);
  };
  for (const { body } of worldEvents(spec.world, spec.records)) {
    const message = toMessage(body, spec.publisher, false);
    const partition = partitionForKey(message.key, spec.partitions);
    const offset = offsets.get(partition) ?? 0;
    offsets.set(partition, offset + 1);
    const bucket = buckets.get(partition) ?? [];
    bucket.push({ ...message, offset: String(offset), timestamp: String(Date.now()) });
    buckets.set(partition, bucket);
    if (bucket.length >= spec.batchSize) close(partition);
    if (++pending >= SEGMENT) await flushSegment();
  }
  for (const partition of buckets.keys()) close(partition);
  await flushSegment();
  const use = cpu.result();
  return { records: spec.records, batches, cpu: use.use, topOthers: use.topOthers };
}
