import { PoolClient } from 'pg';
import { readBoth } from '@ledger/postgres';
import { RollupContext } from '../rollup/rollup';
import { RollupActorRow, RollupAffiliationRow, rollupContextOf } from './registry.fold';

/** The registry's rows as the roll-up reads them; a WHERE clause may follow. */
const ACTORS = `SELECT id, kind, principal, members FROM actors_v1`;
const AFFILIATIONS = `SELECT event_id, person, of, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to FROM affiliations_v1`;

/**
 * Loads the registry an event set's roll-up needs: the named actors, their roles, and whatever
 * those point at (the person a spokesperson speaks for, the state an organ belongs to), level by
 * level.
 */
export async function loadRollupContext(client: PoolClient, ids: Iterable<string>): Promise<RollupContext> {
  const actors: RollupActorRow[] = [];
  const affiliations: RollupAffiliationRow[] = [];
  const seen = new Set<string>();
  let frontier = [...new Set(ids)];
  for (let depth = 0; frontier.length && depth < 7; depth++) {
    frontier.forEach((id) => seen.add(id));
    const [a, f] = await Promise.all([
      client.query<RollupActorRow>(`${ACTORS} WHERE id = ANY($1::text[])`, [frontier]),
      client.query<RollupAffiliationRow>(`${AFFILIATIONS} WHERE person = ANY($1::text[])`, [frontier]),
    ]);
    const next = new Set<string>();
    for (const r of a.rows) [r.principal, ...(r.members ?? [])].forEach((x) => x && next.add(x));
    for (const r of f.rows) next.add(r.of);
    actors.push(...a.rows);
    affiliations.push(...f.rows);
    frontier = [...next].filter((id) => !seen.has(id));
  }
  return rollupContextOf(actors, affiliations);
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
    const [actors, affiliations] = await readBoth(
      client,
      () => client.query<RollupActorRow>(ACTORS),
      () => client.query<RollupAffiliationRow>(AFFILIATIONS),
    );
    const ctx = rollupContextOf(actors.rows, affiliations.rows);
    this.held = epoch === undefined ? undefined : { epoch, ctx };
    return ctx;
  }
}

/** Marks the registry as changed (RegistryCache): call in the transaction that wrote it. */
export async function moveRegistryEpoch(client: PoolClient): Promise<void> {
  await client.query(`INSERT INTO registry_epoch AS r DEFAULT VALUES ON CONFLICT (one) DO UPDATE SET epoch = gen_random_uuid()`);
}
