import { PoolClient } from 'pg';
import { ActorInfo, AffiliationInfo, RollupContext } from '../rollup/rollup';

/**
 * Loads the registry an event set's roll-up needs: the named actors, their roles, and whatever
 * those point at (the person a spokesperson speaks for, the state an organ belongs to), level by
 * level.
 */
export async function loadRollupContext(client: PoolClient, ids: Iterable<string>): Promise<RollupContext> {
  const actors = new Map<string, ActorInfo>();
  const affiliations = new Map<string, AffiliationInfo[]>();
  const seen = new Set<string>();
  let frontier = [...new Set(ids)];
  for (let depth = 0; frontier.length && depth < 7; depth++) {
    frontier.forEach((id) => seen.add(id));
    const [a, f] = await Promise.all([
      client.query(`SELECT id, kind, principal, members FROM actors_v1 WHERE id = ANY($1::text[])`, [frontier]),
      client.query(
        `SELECT event_id, person, of, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to
           FROM affiliations_v1 WHERE person = ANY($1::text[])`,
        [frontier],
      ),
    ]);
    const next = new Set<string>();
    for (const r of a.rows) {
      actors.set(r.id, { id: r.id, kind: r.kind, principal: r.principal ?? undefined, members: r.members ?? undefined });
      [r.principal, ...(r.members ?? [])].forEach((x: string | null) => x && next.add(x));
    }
    for (const r of f.rows) {
      const list = affiliations.get(r.person) ?? [];
      list.push({ eventId: r.event_id, person: r.person, of: r.of, role: r.role, validFrom: r.valid_from, validTo: r.valid_to ?? undefined });
      affiliations.set(r.person, list);
      next.add(r.of);
    }
    frontier = [...next].filter((id) => !seen.has(id));
  }
  return { actor: (id) => actors.get(id), affiliations: (person) => affiliations.get(person) ?? [] };
}
