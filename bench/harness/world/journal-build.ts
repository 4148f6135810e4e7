import { Pool } from 'pg';
import { chainHash, contentHash, envelopeBytes, EventEnvelope, GENESIS_HASH, occurredStart, subjectKey, partitionForKey } from '@ledger/contracts';
import { inTransaction } from '@ledger/postgres';
import { insertJournal, JournalRow, setOffset } from '@ledger/ledger-store';
import { worldEvents } from './preload';
import { asLogEnvelope, WorldOptions } from './world';

const ROWS_PER_TRANSACTION = 2_000;
/** Record times: one millisecond apart from here, as the log would stamp a burst. */
const RECORDED_FROM = Date.parse('2027-01-01T00:00:00Z');

/**
 * A journal of `records` applied events of a world, as the projector journals them — the same rows
 * (partition and offset as Kafka's partitioner gives them, the hash chain per partition, the content
 * hash, the envelope) written with the projector's own journal writer (insertJournal), and each
 * partition's next offset and chain head (setOffset) — without folding the read models: a replay
 * reads nothing else. Answers how many records each partition got.
 */
export async function writeJournal(
  pool: Pool,
  spec: { world: WorldOptions; records: number; publisher: string; partitions: number; group: string; topic: string },
): Promise<Map<number, number>> {
  const next = new Map<number, number>();
  const chains = new Map<number, Buffer>();
  let rows: JournalRow[] = [];
  for (const row of worldJournalRows(spec)) {
    next.set(row.partition, Number(row.offset) + 1);
    chains.set(row.partition, row.hash);
    rows.push(row);
    if (rows.length === ROWS_PER_TRANSACTION) {
      const batch = rows;
      rows = [];
      await inTransaction(pool, (client) => insertJournal(client, batch));
    }
  }
  if (rows.length) await inTransaction(pool, (client) => insertJournal(client, rows));
  for (const [partition, n] of next) await setOffset(pool, { group: spec.group, topic: spec.topic }, partition, String(n), chains.get(partition));
  return next;
}

/**
 * The journal rows of the world's first `records` events, in order: partition and offset as Kafka's
 * partitioner gives them, record times a millisecond apart, the hash chain per partition.
 */
export function* worldJournalRows(spec: { world: WorldOptions; records: number; publisher: string; partitions: number }): Generator<JournalRow> {
  const next = new Map<number, number>();
  const chains = new Map<number, Buffer>();
  let i = 0;
  for (const { body } of worldEvents(spec.world, spec.records)) {
    const event = asLogEnvelope(body, spec.publisher);
    const partition = partitionForKey(subjectKey(event), spec.partitions);
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    const row = journalRow(event, partition, offset, new Date(RECORDED_FROM + i++).toISOString(), chains.get(partition) ?? GENESIS_HASH);
    chains.set(partition, row.hash);
    yield row;
  }
}

/** The journal row the projector writes for a new event (BatchApplier's classify), linked to the partition's previous hash. */
export function journalRow(event: EventEnvelope, partition: number, offset: number, recordedAt: string, previousHash: Buffer): JournalRow {
  return {
    partition,
    offset: String(offset),
    eventId: event.eventId,
    disposition: 'applied',
    type: event.type,
    occurredStart: new Date(occurredStart(event.occurredAt) ?? 0).toISOString(),
    recordedAt,
    contentSha256: contentHash(event),
    envelope: event,
    hash: chainHash(previousHash, envelopeBytes(event)),
  };
}
