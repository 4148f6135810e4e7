import { PoolClient } from 'pg';
import { occurredStart } from '@ledger/contracts';
import { Fact, FactChange, isModifier, MODIFIER_TYPES, ResolvedFact, RoleVoice } from '../facts/fact';
import { loadRollupContext } from '../registry/rollup-context';
import { namedActors, resolveVoices } from './event-voices';

/**
 * Resolves the voices of every changed fact, and of every event that names an actor whose roll-up
 * changed, and stores them. Answers the final change list: the changed facts, plus the events whose
 * voices moved (a late affiliation turns "unknown speaker" into "RUS").
 */
export async function refreshVoices(client: PoolClient, facts: Map<string, Fact>, rolledUp: Set<string>): Promise<FactChange[]> {
  // Corrections, retractions and citations act through their targets; they have no voices of their own.
  const candidates = new Map([...facts].filter(([, f]) => !isModifier(f.type)));
  if (rolledUp.size) {
    const { rows } = await client.query(
      `SELECT e.event_id, e.type, e.partition, e."offset", e.recorded_at, e.envelope, e.effective
         FROM event_actors_v1 a JOIN events_v1 e USING (event_id)
        WHERE a.actor_id = ANY($1::text[]) AND NOT (e.event_id = ANY($2::uuid[])) AND e.type <> ALL($3::text[])`,
      [[...rolledUp], [...facts.keys()], MODIFIER_TYPES],
    );
    for (const r of rows) {
      const recordedAt = (r.recorded_at as Date).toISOString();
      candidates.set(r.event_id, {
        eventId: r.event_id,
        type: r.type,
        partition: r.partition,
        offset: r.offset,
        recordedAt,
        envelope: r.envelope,
        effective: r.effective,
        previous: r.effective,
      });
    }
  }
  const ids = [...candidates.keys()];
  const live = [...candidates.values()].filter((f) => f.effective !== null);
  const ctx = await loadRollupContext(
    client,
    live.flatMap((f) => namedActors(f.effective!)),
  );
  const previous = await storedVoices(client, ids, facts);

  const changes: FactChange[] = [];
  const voiceRows: unknown[] = [];
  const actorRows: unknown[] = [];
  for (const [eventId, fact] of candidates) {
    if (!fact.effective) {
      if (facts.has(eventId)) changes.push({ eventId, type: fact.type, previous: fact.previous, after: null });
      continue;
    }
    const voices = resolveVoices(fact.effective, ctx);
    const resolved: ResolvedFact = { ...fact, voices };
    if (facts.has(eventId) || previous.get(eventId) !== JSON.stringify(voices)) changes.push({ eventId, type: fact.type, previous: fact.previous, after: resolved });
    // The event's type and valid-time start ride along (events_v1's columns, from the same effective form).
    const occurred_start = new Date(occurredStart(fact.effective.occurredAt) ?? 0).toISOString();
    voiceRows.push(
      ...voices.map((v) => ({
        event_id: eventId,
        role: v.role,
        idx: v.idx,
        actor_id: v.actorId,
        person: v.person,
        principal: v.principal,
        authority: v.authority,
        counted: v.counted,
        type: fact.type,
        occurred_start,
      })),
    );
    actorRows.push(...namedActors(fact.effective).map((actor_id) => ({ event_id: eventId, actor_id })));
  }
  // Only events the read models knew before this batch can have rows to replace.
  const known = ids.filter((id) => candidates.get(id)!.previous !== null || !facts.has(id));
  if (known.length) {
    await client.query(`DELETE FROM event_voices_v1 WHERE event_id = ANY($1::uuid[])`, [known]);
    await client.query(`DELETE FROM event_actors_v1 WHERE event_id = ANY($1::uuid[])`, [known]);
  }
  if (voiceRows.length) {
    await client.query(
      `INSERT INTO event_voices_v1 (event_id, role, idx, actor_id, person, principal, authority, counted, type, occurred_start)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, role text, idx int, actor_id text, person text, principal text, authority smallint, counted boolean,
                                                         type text, occurred_start timestamptz)`,
      [JSON.stringify(voiceRows)],
    );
  }
  if (actorRows.length) {
    await client.query(
      `INSERT INTO event_actors_v1 (event_id, actor_id) SELECT DISTINCT event_id, actor_id FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, actor_id text)`,
      [JSON.stringify(actorRows)],
    );
  }
  return changes;
}

/** The voices stored before this batch, as JSON in resolveVoices' shape, for events not new in it. */
async function storedVoices(client: PoolClient, ids: string[], facts: Map<string, Fact>): Promise<Map<string, string>> {
  const old = ids.filter((id) => !facts.has(id));
  if (!old.length) return new Map();
  const { rows } = await client.query(
    `SELECT event_id, role, idx, actor_id, person, principal, authority, counted FROM event_voices_v1
      WHERE event_id = ANY($1::uuid[]) ORDER BY event_id, array_position(ARRAY['actor','recipient','participant','signatory','trigger','by'], role), idx`,
    [old],
  );
  const byEvent = new Map<string, RoleVoice[]>();
  for (const r of rows) {
    const list = byEvent.get(r.event_id) ?? [];
    list.push({ actorId: r.actor_id, person: r.person, principal: r.principal, authority: r.authority, counted: r.counted, role: r.role, idx: r.idx });
    byEvent.set(r.event_id, list);
  }
  return new Map([...byEvent].map(([id, v]) => [id, JSON.stringify(v)]));
}
