import { PoolClient } from 'pg';
import { COPY_NULL, copyLines, copyNullable, copyText, copyValue, write } from '@ledger/postgres';
import { EventEnvelope, occurredStartText, PRECISION_RANK, RecordedEvent } from '@ledger/contracts';
import { effectiveEnvelope, Modifier } from './effective';
import { Fact, isModifier, RoleVoice } from './fact';
import { namedActors } from '../voices/event-voices';
import { storedVoices } from '../voices/voices-column';
import { factColumns, journalOf, subjectOf } from './fact-columns';
import { sortStrings } from './sort-strings';

/** What a batch's new facts are written with: their voices, resolved against the registry as it stood before the batch, and the actors they name (actorsColumn). */
export type VoicesOf = (e: RecordedEvent) => { voices: RoleVoice[]; actors: string[] };

/** The facts a batch changed, and which of its events were new (inserted now, with the voices VoicesOf gave). */
export interface WrittenFacts {
  changes: Map<string, Fact>;
  fresh: Set<string>;
  /** New events nothing modifies: their effective form is the envelope they were inserted with. */
  plain: Set<string>;
}

/**
 * Stores the batch's new facts in events_v1 and recomputes the effective form of every event the
 * batch touches: the new ones, the targets of new corrections, retractions and citations, and new
 * events that earlier modifiers were waiting for (`waitingFor`: waitingTargets, read by the caller
 * in a round trip it shares with another read). Answers each event whose effective form is new or
 * changed (a fact, or null when it no longer counts).
 */
export async function writeFacts(client: PoolClient, events: RecordedEvent[], voicesOf: VoicesOf, waitingFor: string[]): Promise<WrittenFacts> {
  if (!events.length) return { changes: new Map(), fresh: new Set(), plain: new Set() };
  // One COPY: every event here is new to the read models (BatchApplier hands over only what the
  // journal took as applied in this transaction, and the journal's unique applied event id holds
  // that across processes), so there is no conflict to skip; one would fail the batch whole.
  await copyLines(client, `COPY events_v1 (${FACT_COLUMNS}) FROM STDIN`, events.map((e) => factLine(e, voicesOf)).join(''));
  const changes = new Map<string, Fact>();
  const plain = new Set<string>();
  const fresh = new Set<string>(events.map((e) => e.eventId));
  // A new event nothing modifies is its own effective form: no need to read it back. The rest —
  // new modifiers (one may already be retracted), their targets, and new events that earlier
  // modifiers were waiting for — are recomputed; a modifier whose own effect changes queues its
  // target again, so stale reads settle by depth 4.
  const waiting = new Set(waitingFor);
  const targeted = new Set(events.filter((e) => isModifier(e.type)).map((e) => String((e.data as any).targetEventId)));
  let pending: string[] = [...waiting, ...targeted];
  for (const e of events) {
    if (isModifier(e.type)) pending.push(e.eventId);
    else if (!waiting.has(e.eventId) && !targeted.has(e.eventId)) {
      changes.set(e.eventId, plainFact(e));
      plain.add(e.eventId);
    }
  }
  for (let depth = 0; pending.length && depth < 4; depth++) {
    const next: string[] = [];
    for (const fact of await recompute(client, [...new Set(pending)], fresh)) {
      changes.set(fact.eventId, changes.get(fact.eventId) ? { ...fact, previous: changes.get(fact.eventId)!.previous } : fact);
      if (isModifier(fact.type)) next.push(String((fact.envelope.data as any).targetEventId));
    }
    pending = next;
  }
  return { changes, fresh, plain };
}

function plainFact(e: RecordedEvent): Fact {
  const { recordedAt, partition, offset, ...envelope } = e;
  return { eventId: e.eventId, type: e.type, partition, offset, recordedAt, envelope, effective: envelope, previous: null };
}

/**
 * New events that modifiers recorded earlier were waiting for (writeFacts' `waitingFor`). Read
 * before or after the batch's COPY alike: the batch's own modifiers, which the COPY adds, are queued
 * by their targets anyway.
 */
export async function waitingTargets(client: PoolClient, events: RecordedEvent[]): Promise<string[]> {
  const ids = events.map((e) => e.eventId);
  const { rows } = await client.query(`SELECT DISTINCT target_event_id AS id FROM events_v1 WHERE target_event_id = ANY($1::uuid[])`, [ids]);
  return rows.map((r) => r.id as string);
}

/** Recomputes the effective envelope of `ids`; answers the facts that are new or changed. */
async function recompute(client: PoolClient, ids: string[], fresh: Set<string>): Promise<Fact[]> {
  const { rows } = await client.query(
    `SELECT e.event_id, e.type, e.partition, e."offset", e.recorded_at, j.envelope, e.counts, e.revised,
            coalesce(jsonb_agg(jsonb_build_object('eventId', m.event_id, 'type', m.type, 'recordedAt', m.recorded_at, 'partition', m.partition,
                     'offset', m."offset"::text, 'data', mj.envelope->'data')) FILTER (WHERE m.event_id IS NOT NULL), '[]') AS modifiers
       FROM events_v1 e
       ${journalOf('e', 'j')}
       LEFT JOIN (events_v1 m ${journalOf('m', 'mj')}) ON m.target_event_id = e.event_id AND m.counts
      WHERE e.event_id = ANY($1::uuid[])
      GROUP BY e.event_id, j.partition, j."offset"`,
    [ids],
  );
  const changed: Fact[] = [];
  const updates: Record<string, unknown>[] = [];
  for (const r of rows) {
    const modifiers: Modifier[] = (r.modifiers as any[]).map((m) => ({ ...m, recordedAt: Date.parse(m.recordedAt) }));
    const effective = isModifier(r.type) ? (modifiers.some((m) => m.type === 'EventRetracted') ? null : r.envelope) : effectiveEnvelope(r.envelope, modifiers);
    const stored: EventEnvelope | null = r.counts ? (r.revised ?? r.envelope) : null;
    const before = JSON.stringify(stored);
    const after = JSON.stringify(effective);
    if (before === after && !fresh.has(r.event_id)) continue;
    // Order columns follow the effective form (a correction may move the valid time).
    if (before !== after) updates.push({ ...orderColumns(effective ?? r.envelope), ...factColumns(r.type, r.envelope, effective), event_id: r.event_id });
    changed.push({
      eventId: r.event_id,
      type: r.type,
      partition: r.partition,
      offset: r.offset,
      recordedAt: (r.recorded_at as Date).toISOString(),
      envelope: r.envelope,
      effective,
      previous: fresh.has(r.event_id) ? null : stored,
    });
  }
  if (updates.length) {
    await write(
      client,
      `UPDATE events_v1 e
          SET counts = u.counts, revised = u.revised, subject = u.subject,
              occurred_start = u.occurred_start, precision_rank = u.precision_rank, reported_at = u.reported_at, proposal_id = u.proposal_id
         FROM jsonb_to_recordset($1::jsonb) AS u(event_id uuid, counts boolean, revised jsonb, subject text, occurred_start timestamptz, precision_rank smallint,
              reported_at timestamptz, proposal_id text)
        WHERE e.event_id = u.event_id`,
      [JSON.stringify(updates)],
    );
  }
  return changed;
}

/** The actor ids an effective form names, sorted (events_v1.actors); none for a modifier or an event that does not count. */
export function actorsColumn(type: string, effective: EventEnvelope | null): string[] {
  return effective && !isModifier(type) ? sortStrings(namedActors(effective)) : [];
}

const FACT_COLUMNS = 'event_id, type, partition, "offset", recorded_at, counts, subject, target_event_id, occurred_start, precision_rank, reported_at, proposal_id, actors, voices';

/** A new event's events_v1 row as a COPY line (FACT_COLUMNS), read straight from the recorded event. */
function factLine(e: RecordedEvent, voicesOf: VoicesOf): string {
  const own = isModifier(e.type) ? null : voicesOf(e);
  return (
    `${e.eventId}\t${copyText(e.type)}\t${e.partition}\t${e.offset}\t${e.recordedAt}\tt\t${copyNullable(subjectOf(e.type, e))}\t` +
    `${own ? COPY_NULL : copyNullable((e.data as { targetEventId?: string }).targetEventId)}\t${occurredStartText(e.occurredAt)}\t` +
    `${PRECISION_RANK[e.occurredAt.precision]}\t${copyNullable(e.reportedAt)}\t${copyNullable(e.proposalId)}\t${own ? copyValue(own.actors, '_text') : '{}'}\t` +
    `${own ? copyText(JSON.stringify(storedVoices(own.voices))) : COPY_NULL}\n`
  );
}

function orderColumns(e: EventEnvelope) {
  return {
    occurred_start: occurredStartText(e.occurredAt),
    precision_rank: PRECISION_RANK[e.occurredAt.precision],
    reported_at: e.reportedAt ?? null,
    proposal_id: e.proposalId ?? null,
  };
}
