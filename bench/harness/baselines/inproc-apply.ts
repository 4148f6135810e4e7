import { Pool, PoolClient } from 'pg';
import { GENESIS_HASH, RecordedEvent, subjectKey, partitionForKey } from '@ledger/contracts';
import { inTransaction } from '@ledger/postgres';
import { APPLIED_CHANNEL, appliedContent, insertJournal, JournalRow } from '@ledger/ledger-store';
import { ReadModels } from '@ledger/read-models';
import { cpuWindow, CpuUse, Watched } from './cpu';
import { journalRow } from './journal-build';
import { worldEvents } from './preload';
import { asLogEnvelope, Body, WorldOptions } from './world';

/** Events prepared at a time (untimed) before their transactions run (timed). */
const SEGMENT = 20_000;

export interface InProcessResult {
  records: number;
  batches: number;
  /** Time inside the transactions only (preparing the batches is not counted). */
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
  topic: string;
  watch: Watched;
}

/**
 * Baseline (a): the projector's own transaction shape, with no Kafka and no decoding: per batch of
 * one partition, in one transaction, the offset row locked, the duplicate lookup, the journal rows
 * (hash chain computed beforehand), `ReadModels.apply` of the RecordedEvents, the offset
 * compare-and-set and the notification — what BatchApplier sends to PostgreSQL, from this process.
 */
export async function applySqlShape(pool: Pool, spec: Spec): Promise<InProcessResult> {
  const models = new ReadModels();
  const chains = new Map<number, Buffer>();
  const prepare = (partition: number, batch: { body: Body; offset: number }[]) => {
    let chain = chains.get(partition) ?? GENESIS_HASH;
    const recordedAt = new Date().toISOString();
    const journal: JournalRow[] = [];
    const events: RecordedEvent[] = [];
    for (const { body, offset } of batch) {
      const event = asLogEnvelope(body, spec.publisher);
      const row = journalRow(event, partition, offset, recordedAt, chain);
      chain = row.hash;
      journal.push(row);
      events.push({ ...event, recordedAt, partition, offset: String(offset) });
    }
    chains.set(partition, chain);
    return { partition, journal, events, next: batch[batch.length - 1].offset + 1, from: batch[0].offset, chain };
  };
  type Prepared = ReturnType<typeof prepare>;
  const apply = (b: Prepared) =>
    inTransaction(pool, async (client: PoolClient) => {
      await client.query(`INSERT INTO ledger.consumer_offsets (group_id, topic, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [spec.group, spec.topic, b.partition]);
      await client.query(`SELECT next_offset, chain_hash FROM ledger.consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`, [spec.group, spec.topic, b.partition]);
      await appliedContent(client, b.events.map((e) => e.eventId));
      await insertJournal(client, b.journal);
      const { positions } = await models.apply(client, b.events);
      const cas = await client.query(
        `UPDATE ledger.consumer_offsets SET next_offset = $4, chain_hash = $6, updated_at = now() WHERE group_id = $1 AND topic = $2 AND partition = $3 AND next_offset = $5`,
        [spec.group, spec.topic, b.partition, String(b.next), String(b.from), b.chain],
      );
      if (cas.rowCount !== 1) throw new Error('baseline: offset compare-and-set failed');
      await client.query('SELECT pg_notify($1, $2)', [APPLIED_CHANNEL, notice(b.partition, String(b.next), b.events, positions)]);
    });
  return runSegments(spec, prepare, apply);
}

/** The projector's notification, halved until PostgreSQL takes it (as BatchApplier does). */
function notice(partition: number, nextOffset: string, applied: RecordedEvent[], positions: { party: string; proposalId: string }[]): string {
  let events = applied.map((e) => ({ eventId: e.eventId, type: e.type }));
  let touched = positions;
  let payload = JSON.stringify({ partition, nextOffset, events, positions: touched, truncated: false });
  while (payload.length > 7_000 && (events.length > 1 || touched.length > 1)) {
    events = events.slice(0, Math.ceil(events.length / 2));
    touched = touched.slice(0, Math.ceil(touched.length / 2));
    payload = JSON.stringify({ partition, nextOffset, events, positions: touched, truncated: true, applied: applied.length });
  }
  return payload;
}

/**
 * Splits the world's events into batches of one partition each (Kafka's partitioner over the
 * subject key, offsets in order), prepares a segment of them untimed, then applies them one after
 * the other, timing the applies and the CPU of every process during them.
 */
async function runSegments<B>(spec: Spec, prepare: (partition: number, batch: { body: Body; offset: number }[]) => B, apply: (b: B) => Promise<void>): Promise<InProcessResult> {
  const offsets = new Map<number, number>();
  const buckets = new Map<number, { body: Body; offset: number }[]>();
  let segment: B[] = [];
  let pending = 0;
  let batches = 0;
  const cpu = new CpuAccumulator();
  let seconds = 0;
  const flushSegment = async () => {
    const end = cpuWindow(spec.watch, 'bench');
    const started = process.hrtime.bigint();
    for (const b of segment) await apply(b);
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    cpu.add(end(), s);
    seconds += s;
    batches += segment.length;
    segment = [];
    pending = 0;
  };
  const close = (partition: number) => {
    const bucket = buckets.get(partition);
    if (!bucket?.length) return;
    segment.push(prepare(partition, bucket));
    buckets.set(partition, []);
  };
  for (const { body } of worldEvents(spec.world, spec.records)) {
    const partition = partitionForKey(subjectKey(body as never), spec.partitions);
    const offset = offsets.get(partition) ?? 0;
    offsets.set(partition, offset + 1);
    const bucket = buckets.get(partition) ?? [];
    bucket.push({ body, offset });
    buckets.set(partition, bucket);
    if (bucket.length >= spec.batchSize) close(partition);
    if (++pending >= SEGMENT) await flushSegment();
  }
  for (const partition of buckets.keys()) close(partition);
  await flushSegment();
  const use = cpu.result();
  return { records: spec.records, batches, seconds, perSecond: spec.records / seconds, cpu: use.use, topOthers: use.topOthers };
}

/** CPU readings of several windows, combined into one (weighted by each window's length). */
export class CpuAccumulator {
  private weighted = new Map<string, number>();
  private seconds = 0;
  private others: string[] = [];

  add(reading: { use: CpuUse; topOthers: string[] }, seconds: number): void {
    for (const [k, v] of Object.entries(reading.use)) this.weighted.set(k, (this.weighted.get(k) ?? 0) + v * seconds);
    this.seconds += seconds;
    if (reading.topOthers.length) this.others = reading.topOthers;
  }

  result(): { use: CpuUse; topOthers: string[] } {
    const use: CpuUse = {};
    for (const [k, v] of this.weighted) use[k] = Math.round((v / (this.seconds || 1)) * 10) / 10;
    return { use, topOthers: this.others };
  }
}
