import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PoolClient } from 'pg';
import { quoteIdent } from '@ledger/postgres';
import { EventEnvelope, occurredStart, RecordedEvent, subjectKey, validateEnvelope, partitionForKey } from '@ledger/contracts';
import { ReadModels } from '@ledger/read-models';
import { REPO_ROOT } from './repo-root';

/** The seed case as complete envelopes (data/samples/ceasefire-talks-2025-03.ndjson), validated like the projector does. */
export function seedEnvelopes(publisher = 'seed-sample'): EventEnvelope[] {
  const path = join(REPO_ROOT, 'data', 'samples', 'ceasefire-talks-2025-03.ndjson');
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const result = validateEnvelope({ ...JSON.parse(line), source: { publisher } });
      if (!result.ok) throw new Error(`seed line ${i + 1}: ${JSON.stringify(result.problems)}`);
      return result.event;
    });
}

/**
 * Gives envelopes the coordinates the log would: partition by key (Kafka's murmur2 over 6
 * partitions), offsets in order per partition, record times one millisecond apart from `start`.
 */
export function recordAll(events: EventEnvelope[], start = Date.parse('2025-03-14T18:00:00Z'), partitions = 6): RecordedEvent[] {
  const next = new Map<number, number>();
  return events.map((e, i) => {
    const partition = partitionForKey(subjectKey(e), partitions);
    const offset = next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    return { ...e, partition, offset: String(offset), recordedAt: new Date(start + i).toISOString() };
  });
}

/**
 * Folds recorded events into the read models as the projector does, in the caller's transaction:
 * journaled first (the journal is the fact store: the read models keep no copy of the envelope and
 * read it from there), then applied. A record whose partition and offset, or whose event id, the
 * journal already holds as applied is not journaled again, and an event the read models already
 * hold is not applied again (BatchApplier hands over only what its journal rows took: the read
 * models write each new event with one COPY, and a repeat would fail the transaction). The hash
 * chain is not computed here.
 */
export async function applyRecorded(client: PoolClient, events: RecordedEvent[], models: ReadModels = new ReadModels()): Promise<void> {
  if (!events.length) return;
  await client.query(
    `INSERT INTO ledger.journal (partition, "offset", event_id, disposition, type, occurred_start, recorded_at, envelope, hash)
     SELECT r.partition, r."offset", r.event_id, 'applied', r.type, r.occurred_start, r.recorded_at, r.envelope, '\\x00'
       FROM jsonb_to_recordset($1::jsonb) AS r(partition int, "offset" bigint, event_id uuid, type text, occurred_start timestamptz, recorded_at timestamptz, envelope jsonb)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        events.map(({ partition, offset, recordedAt, ...envelope }) => ({
          partition,
          offset,
          event_id: envelope.eventId,
          type: envelope.type,
          occurred_start: new Date(occurredStart(envelope.occurredAt) ?? 0).toISOString(),
          recorded_at: recordedAt,
          envelope,
        })),
      ),
    ],
  );
  // As BatchApplier hands them over: each event once, and none the read models already hold.
  const { rows } = await client.query(`SELECT event_id FROM ${quoteIdent(models.schema)}.events_v1 WHERE event_id = ANY($1::uuid[])`, [events.map((e) => e.eventId)]);
  const held = new Set(rows.map((r) => r.event_id as string));
  await models.apply(
    client,
    events.filter((e) => {
      const id = e.eventId.toLowerCase();
      return !held.has(id) && !!held.add(id);
    }),
  );
}
