import { effectiveOf, journalOf } from '../facts/fact-columns';
import { PoolClient } from 'pg';
import { Fact, FactChange, isModifier, MODIFIER_TYPES, ResolvedFact, RoleVoice } from '../facts/fact';
import { actorsColumn } from '../facts/facts.writer';
import { loadRollupContext } from '../registry/rollup-context';
import { RollupContext } from '../rollup/rollup';
import { namedActors, resolveVoices } from './event-voices';
import { StoredVoice, storedVoices, voicesOfStored } from './voices-column';
import { write } from '@ledger/postgres';

/** What events_v1 holds of an event's resolution: its voices (null while it does not count) and the actor ids it names. */
export interface Stored {
  voices: RoleVoice[] | null;
  actors: string[];
}

/**
 * Resolves the voices of every changed fact, and of every event that names an actor whose roll-up
 * changed (a late affiliation turns "unknown speaker" into "RUS"), and keeps events_v1.voices and
 * events_v1.actors in step: new facts were written with voices resolved against the registry as it
 * stood before the batch, so only what resolves differently now is updated. Answers the final
 * change list, each change with the voices the read models had derived from.
 */
export async function refreshVoices(
  client: PoolClient,
  facts: Map<string, Fact>,
  fresh: Set<string>,
  inserted: Map<string, Stored>,
  rolledUp: Set<string>,
  resolvedWith?: { ctx: RollupContext; plain: Set<string> },
): Promise<FactChange[]> {
  // Corrections, retractions and citations act through their targets; they have no voices of their own.
  const candidates = new Map([...facts].filter(([, f]) => !isModifier(f.type)));
  const stored = new Map<string, Stored>();
  for (const id of candidates.keys()) if (fresh.has(id)) stored.set(id, inserted.get(id) ?? { voices: null, actors: [] });
  if (rolledUp.size) {
    const { rows } = await client.query(
      `SELECT e.event_id, e.type, e.partition, e."offset", e.recorded_at, j.envelope, ${effectiveOf('e', 'j')} AS effective, e.voices, e.actors
         FROM events_v1 e
         ${journalOf('e', 'j')}
        WHERE e.actors && $1::text[] AND NOT (e.event_id = ANY($2::uuid[])) AND e.type <> ALL($3::text[])`,
      [[...rolledUp], [...facts.keys()], MODIFIER_TYPES],
    );
    for (const r of rows) {
      candidates.set(r.event_id, {
        eventId: r.event_id,
        type: r.type,
        partition: r.partition,
        offset: r.offset,
        recordedAt: (r.recorded_at as Date).toISOString(),
        envelope: r.envelope,
        effective: r.effective,
        previous: r.effective,
      });
      stored.set(r.event_id, { voices: voicesOfStored(r.voices), actors: r.actors });
    }
  }
  const unread = [...candidates.keys()].filter((id) => !stored.has(id));
  if (unread.length) {
    const { rows } = await client.query(`SELECT event_id, voices, actors FROM events_v1 WHERE event_id = ANY($1::uuid[])`, [unread]);
    for (const r of rows) stored.set(r.event_id, { voices: voicesOfStored(r.voices), actors: r.actors });
  }
  // A new event nothing modifies was resolved at insert against the registry as the batch found it
  // (all of it, RegistryCache). That still holds unless the batch's registry facts moved the roll-up
  // of an actor it names (rolledUp: the changed actors and everyone who rolls up through them).
  const settled = new Set<string>();
  const needed: string[] = [];
  for (const [eventId, fact] of candidates) {
    if (fact.effective === null) continue;
    const named = namedActors(fact.effective);
    const asInserted = !!resolvedWith && resolvedWith.plain.has(eventId) && !!stored.get(eventId)?.voices;
    if (asInserted && !named.some((id) => rolledUp.has(id))) settled.add(eventId);
    else needed.push(...named);
  }
  const ctx = resolvedWith && !rolledUp.size ? resolvedWith.ctx : await loadRollupContext(client, needed);

  const changes: FactChange[] = [];
  const updates: { event_id: string; voices: StoredVoice[] | null; actors: string[] }[] = [];
  for (const [eventId, fact] of candidates) {
    const inserted = stored.get(eventId);
    if (settled.has(eventId)) {
      // Resolved already, and nothing changed what it resolved to.
      changes.push({ eventId, type: fact.type, previous: null, previousVoices: null, after: { ...fact, voices: inserted!.voices! } });
      continue;
    }
    const before = inserted ?? { voices: null, actors: [] };
    // What the read models derived from before this batch: nothing for an event new to them.
    const previousVoices = fact.previous === null ? null : before.voices;
    const voices = fact.effective ? resolveVoices(fact.effective, ctx) : null;
    const actors = actorsColumn(fact.type, fact.effective);
    const moved = voicesKey(before.voices) !== voicesKey(voices);
    if (moved || before.actors.join('\u001f') !== actors.join('\u001f')) updates.push({ event_id: eventId, voices: storedVoices(voices), actors });
    if (!fact.effective) {
      if (facts.has(eventId)) changes.push({ eventId, type: fact.type, previous: fact.previous, previousVoices, after: null });
      continue;
    }
    const resolved: ResolvedFact = { ...fact, voices: voices! };
    if (facts.has(eventId) || moved) changes.push({ eventId, type: fact.type, previous: fact.previous, previousVoices, after: resolved });
  }
  if (updates.length) {
    // json_to_recordset, not jsonb's: each voices value keeps the text JSON.stringify gave it, as a
    // new event's COPY and the replay store it (the digest compares the rows' text).
    await write(
      client,
      `UPDATE events_v1 e SET voices = u.voices, actors = u.actors
         FROM json_to_recordset($1::json) AS u(event_id uuid, voices json, actors text[])
        WHERE e.event_id = u.event_id`,
      [JSON.stringify(updates)],
    );
  }
  return changes;
}

/** Voices compared by value: their stored form as text. */
function voicesKey(voices: RoleVoice[] | null): string {
  return JSON.stringify(storedVoices(voices));
}
