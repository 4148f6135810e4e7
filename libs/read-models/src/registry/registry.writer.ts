import { PoolClient } from 'pg';
import { Fact } from '../facts/fact';

const REGISTRY_TYPES = new Set(['ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded']);

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
  if (actorIds.size) await refreshActors(client, [...actorIds]);
  if (persons.size) await refreshAffiliations(client, [...persons]);
  return closure(client, new Set([...actorIds, ...persons]));
}

/** The latest registration (fold order) of each id wins; no live registration, no row. */
async function refreshActors(client: PoolClient, ids: string[]): Promise<void> {
  await client.query(`DELETE FROM actors_v1 WHERE id = ANY($1::text[])`, [ids]);
  await client.query(
    `INSERT INTO actors_v1 (id, kind, name, aliases, iso3, principal, members, basis_event_id)
     SELECT DISTINCT ON (d->>'id') d->>'id', d->>'kind', d->>'name',
            ARRAY(SELECT jsonb_array_elements_text(coalesce(d->'aliases', '[]'))), d->>'iso3', d->>'principal',
            CASE WHEN d ? 'members' THEN ARRAY(SELECT jsonb_array_elements_text(d->'members')) END, event_id
       FROM (SELECT effective->'data' AS d, * FROM events_v1
              WHERE type = 'ActorRegistered' AND effective IS NOT NULL AND effective->'data'->>'id' = ANY($1::text[])) e
      ORDER BY d->>'id', occurred_start DESC, precision_rank DESC, reported_at DESC NULLS FIRST, partition DESC, "offset" DESC, event_id DESC`,
    [ids],
  );
}

/** One row per live AffiliationAsserted of these persons, closed by the earliest matching AffiliationEnded. */
async function refreshAffiliations(client: PoolClient, persons: string[]): Promise<void> {
  await client.query(`DELETE FROM affiliations_v1 WHERE person = ANY($1::text[])`, [persons]);
  await client.query(
    `INSERT INTO affiliations_v1 (event_id, person, of, role, valid_from, asserted_to, valid_to, ended_by)
     SELECT a.event_id, a.d->>'person', a.d->>'of', a.d->>'role', (a.d->>'validFrom')::date, (a.d->>'validTo')::date,
            CASE WHEN e.event_id IS NULL THEN (a.d->>'validTo')::date
                 ELSE least(coalesce((a.d->>'validTo')::date, 'infinity'::date), (e.d->>'validTo')::date) END,
            e.event_id
       FROM (SELECT event_id, effective->'data' AS d FROM events_v1
              WHERE type = 'AffiliationAsserted' AND effective IS NOT NULL AND effective->'data'->>'person' = ANY($1::text[])) a
       LEFT JOIN LATERAL (
         SELECT event_id, effective->'data' AS d FROM events_v1
          WHERE type = 'AffiliationEnded' AND effective IS NOT NULL AND effective->'data'->>'person' = a.d->>'person'
            AND effective->'data'->>'of' = a.d->>'of' AND effective->'data'->>'role' = a.d->>'role'
            AND (effective->'data'->>'validTo')::date >= (a.d->>'validFrom')::date
          ORDER BY (effective->'data'->>'validTo')::date, event_id LIMIT 1) e ON true`,
    [persons],
  );
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
