import { formOf, journalOf } from '../facts/fact-columns';
import { PoolClient } from 'pg';
import { Fact } from '../facts/fact';
import { REGISTRY_TYPES } from '../read-model-locks';
import { registryRows } from './registry.fold';
import { moveRegistryEpoch } from './rollup-context';

/**
 * Keeps actors_v1 and affiliations_v1 in step with the batch's registry facts, and answers the
 * actor ids whose roll-up may now differ: the changed ones and everyone who rolls up through them
 * (a spokesperson of a person whose role changed), so their events are resolved again.
 */
export async function refreshRegistry(client: PoolClient, changes: Map<string, Fact>): Promise<Set<string>> {
  const facts = [...changes.entries()].filter(([, f]) => REGISTRY_TYPES.has(f.type));
  if (!facts.length) return new Set();
  const actorIds = new Set<string>();
  const persons = new Set<string>();
  for (const [, f] of facts) {
    const forms = [f.previous, f.effective].map((e) => (e?.data ?? {}) as Record<string, unknown>);
    const key = f.type === 'ActorRegistered' ? 'id' : 'person';
    for (const d of forms) if (typeof d[key] === 'string') (f.type === 'ActorRegistered' ? actorIds : persons).add(d[key] as string);
  }
  await refreshRows(client, [...actorIds], [...persons]);
  await moveRegistryEpoch(client);
  return closure(client, new Set([...actorIds, ...persons]));
}

/**
 * Rewrites the rows of these actor ids and persons from all of their registry facts, by the
 * registry's one set of rules (registry.fold), the same ones replays and knownAt queries fold with.
 */
async function refreshRows(client: PoolClient, ids: string[], persons: string[]): Promise<void> {
  const { rows } = await client.query(
    `SELECT e.event_id, e.type, e.partition, e."offset"::text AS offset, ${formOf('e', 'j')} AS effective FROM events_v1 e
       ${journalOf('e', 'j')}
      WHERE e.counts AND ((e.type = 'ActorRegistered' AND e.subject = ANY($1::text[]))
         OR (e.type IN ('AffiliationAsserted', 'AffiliationEnded') AND e.subject = ANY($2::text[])))`,
    [ids, persons],
  );
  const { actors, affiliations } = registryRows(rows.map((r) => ({ eventId: r.event_id, type: r.type, partition: r.partition, offset: r.offset, effective: r.effective })));
  if (ids.length) {
    await client.query(`DELETE FROM actors_v1 WHERE id = ANY($1::text[])`, [ids]);
    if (actors.length) {
      await client.query(
        `INSERT INTO actors_v1 (id, kind, name, aliases, iso3, principal, members, basis_event_id)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, kind text, name text, aliases text[], iso3 text, principal text, members text[], basis_event_id uuid)`,
        [JSON.stringify(actors)],
      );
    }
  }
  if (persons.length) {
    await client.query(`DELETE FROM affiliations_v1 WHERE person = ANY($1::text[])`, [persons]);
    if (affiliations.length) {
      await client.query(
        `INSERT INTO affiliations_v1 (event_id, person, of, role, valid_from, asserted_to, valid_to, ended_by)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, person text, of text, role text, valid_from date, asserted_to date, valid_to date, ended_by uuid)`,
        [JSON.stringify(affiliations)],
      );
    }
  }
}

/** Ids whose roll-up goes through any of `ids`: persons with roles of them, organs and delegations of them. */
async function closure(client: PoolClient, ids: Set<string>): Promise<Set<string>> {
  let frontier = [...ids];
  for (let depth = 0; frontier.length && depth < 6; depth++) {
    const { rows } = await client.query(
      `SELECT person AS id FROM affiliations_v1 WHERE of = ANY($1::text[])
       UNION SELECT id FROM actors_v1 WHERE principal = ANY($1::text[]) OR members && $1::text[]`,
      [frontier],
    );
    frontier = rows.map((r) => r.id as string).filter((id) => !ids.has(id));
    frontier.forEach((id) => ids.add(id));
  }
  return ids;
}
