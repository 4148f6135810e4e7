import { PoolClient } from 'pg';
import { ActorInfo, AffiliationInfo, RollupContext } from '../rollup/rollup';
import { ActorRow, AffiliationRow, rollupContextOf } from './registry.fold';

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

/**
 * The whole registry, held by one projector process between batches and read again only when its
 * epoch moved (registry_epoch: refreshRegistry changes it with every write to actors_v1 or
 * affiliations_v1, and a replay's fresh schema starts with its own). Ask under the read models'
 * lock: shared, no registry write can run meanwhile; exclusive, this batch is the only writer and
 * asks before it writes. The registry is small beside the events (one row per actor and role), so
 * holding it costs little, and an ordinary batch reads one row instead of walking the registry
 * level by level for the actors it names.
 */
export class RegistryCache {
  private held?: { epoch: string; ctx: RollupContext };

  async context(client: PoolClient): Promise<RollupContext> {
    const { rows } = await client.query(`SELECT epoch FROM registry_epoch`);
    // No row (the tables were emptied by hand): nothing to compare with, so read the registry now
    // and hold nothing; the next registry write puts a row back.
    const epoch = rows[0]?.epoch as string | undefined;
    if (epoch !== undefined && this.held?.epoch === epoch) return this.held.ctx;
    const [actors, affiliations] = await Promise.all([
      client.query<ActorRow>(`SELECT id, kind, principal, members FROM actors_v1`),
      client.query<AffiliationRow>(
        `SELECT event_id, person, of, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM affiliations_v1`,
      ),
    ]);
    const ctx = rollupContextOf(actors.rows, affiliations.rows);
    this.held = epoch === undefined ? undefined : { epoch, ctx };
    return ctx;
  }
}

/** Marks the registry as changed (RegistryCache): call in the transaction that wrote it. */
export async function moveRegistryEpoch(client: PoolClient): Promise<void> {
  await client.query(`INSERT INTO registry_epoch AS r DEFAULT VALUES ON CONFLICT (one) DO UPDATE SET epoch = gen_random_uuid()`);
}
