import { Pool } from 'pg';
import { KnownAt, tableRef } from '../known-at/known-at';
import { decodeCursor, encodeCursor, Page } from '@ledger/ledger-store';
import { PositionView, stances } from '../positions/positions.queries';

/** A party as the API lists it: a registered actor, or a principal only known from the positions it holds. */
export interface PartyView {
  id: string;
  /**
   * The registered kind (state, person, state_organ, delegation, organization, commentator); for an
   * unregistered party a guess: `state` for an ISO alpha-3 id, else `unknown`.
   */
  kind: string;
  /** Display name; the id itself for an unregistered party. */
  name: string;
  aliases: string[];
  iso3: string | null;
  /** The state an organ or a delegation belongs to. */
  principal: string | null;
  /** False when no ActorRegistered names the party (it only holds positions). */
  registered: boolean;
}

/** A time-bounded role: `person` acts as `role` of `of` from `validFrom` until `validTo` (null: open). */
export interface AffiliationView {
  eventId: string;
  person: string;
  of: string;
  role: string;
  validFrom: string;
  /** The end as asserted or by the earliest AffiliationEnded; null while the role lasts. */
  validTo: string | null;
  endedBy: string | null;
}

/** One party with its roles (as the person and as the `of` side) and its stance on every proposal. */
export interface PartyDetail extends PartyView {
  affiliations: AffiliationView[];
  positions: PositionView[];
}

export interface PartyFilter {
  kind?: string;
  limit: number;
  cursor?: string;
}

const ISO3 = `'^[A-Z]{3}$'`;

/** Registered actors, plus position holders never registered (their kind guessed from the id); live, or as known at `known.at`. */
function partiesSql(params: unknown[], known: KnownAt | null | undefined): string {
  const actors = tableRef('actors_v1', params, known);
  const positions = tableRef('party_positions_v1', params, known);
  return `
  SELECT id, kind, name, aliases, iso3, principal, true AS registered FROM ${actors} ac
  UNION ALL
  SELECT p.party, CASE WHEN p.party ~ ${ISO3} THEN 'state' ELSE 'unknown' END, p.party, '{}'::text[],
         CASE WHEN p.party ~ ${ISO3} THEN p.party END, NULL, false
    FROM (SELECT DISTINCT party FROM ${positions} pp) p
   WHERE NOT EXISTS (SELECT 1 FROM ${actors} a WHERE a.id = p.party)`;
}

/** Every party, by id (byte order, so the keyset cursor is stable whatever the collation). */
export async function listParties(pool: Pool, filter: PartyFilter, known?: KnownAt | null): Promise<Page<PartyView>> {
  const after = filter.cursor ? String(decodeCursor(filter.cursor, ['text'])[0]) : null;
  const params: unknown[] = [filter.kind ?? null, after, filter.limit + 1];
  const parties = partiesSql(params, known);
  const { rows } = await pool.query(
    `SELECT * FROM (${parties}) parties
      WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR id COLLATE "C" > $2::text COLLATE "C")
      ORDER BY id COLLATE "C" LIMIT $3`,
    params,
  );
  const page = rows.slice(0, filter.limit).map(toParty);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > filter.limit && last ? encodeCursor([last.id]) : undefined };
}

/**
 * One party with its affiliations and its positions at `now`, as known now or at `known.at`; null
 * when it is neither registered nor holds a position.
 */
export async function getParty(pool: Pool, id: string, now: Date, known?: KnownAt | null): Promise<PartyDetail | null> {
  const params: unknown[] = [id];
  const { rows } = await pool.query(`SELECT * FROM (${partiesSql(params, known)}) parties WHERE id = $1`, params);
  if (!rows.length) return null;
  const roleParams: unknown[] = [id];
  const roles = tableRef('affiliations_v1', roleParams, known);
  const [affiliations, positions] = await Promise.all([
    pool.query(
      `SELECT event_id, person, of, role, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(valid_to, 'YYYY-MM-DD') AS valid_to, ended_by
         FROM ${roles} af WHERE person = $1 OR of = $1
        ORDER BY valid_from, person COLLATE "C", of COLLATE "C", event_id`,
      roleParams,
    ),
    stances(pool, { party: id }, now, known),
  ]);
  return {
    ...toParty(rows[0]),
    affiliations: affiliations.rows.map((r) => ({
      eventId: r.event_id,
      person: r.person,
      of: r.of,
      role: r.role,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      endedBy: r.ended_by,
    })),
    positions,
  };
}

function toParty(r: Record<string, any>): PartyView {
  return { id: r.id, kind: r.kind, name: r.name, aliases: r.aliases, iso3: r.iso3, principal: r.principal, registered: r.registered };
}
