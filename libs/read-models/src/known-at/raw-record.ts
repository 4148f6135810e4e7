import { dateOfTimestamptz, isoOfUtcTimestamptz } from '@ledger/postgres';
import { EventRow, knownRow } from './log-fold';

/** A journal record as read with JSONB_AND_TIMESTAMPTZ_AS_TEXT in rowMode 'array', its record time and envelope still text. */
export type RawRecord = [partition: number, offset: string, eventId: string, type: string, recordedAt: string, envelope: string];

/** The journal's columns in RawRecord's order (alias j); `envelope`: how the envelope is read. */
export const rawRecordColumns = (envelope = 'j.envelope') => `j.partition, j."offset"::text AS offset, j.event_id, j.type, j.recorded_at, ${envelope} AS envelope`;

/**
 * A raw record as the fold reads it: its envelope parsed, and its record time's ISO form taken from
 * the text when that was written in UTC. The replay calls it as its fold reaches each record, so the
 * envelope's objects die young; knownAt for every record it reads. `whole`: the whole envelope's
 * text, for a record whose raw form is a lean one.
 */
export function parsedRow(r: RawRecord, whole?: string): EventRow {
  const iso = isoOfUtcTimestamptz(r[4]);
  return knownRow({
    partition: r[0],
    offset: r[1],
    event_id: r[2],
    type: r[3],
    recorded_at: dateOfTimestamptz(r[4], iso),
    recorded_iso: iso ?? undefined,
    envelope: JSON.parse(whole ?? r[5]),
  });
}
