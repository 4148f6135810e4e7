import { Pool } from 'pg';
import { OccurredAt } from '@ledger/contracts';
import { KnownAt, tableRef } from '../known-at/known-at';
import { decodeCursor, encodeCursor, Page } from '@ledger/ledger-store';
import { Category } from '../positions/positions.fold';
import { PositionView, stances } from '../positions/positions.queries';

/** One version of a proposal: the ProposalMade (with its terms) or a ProposalAmended (with its delta). */
export interface ProposalVersion {
  version: number;
  eventId: string;
  occurredAt: OccurredAt;
  terms?: string[];
  termsDelta?: unknown;
}

/**
 * A proposal as listed. A proposal only known from positions (its ProposalMade not recorded yet)
 * has null title, kind, version, proposer and madeAt.
 */
export interface ProposalSummary {
  id: string;
  title: string | null;
  kind: string | null;
  /** The latest version (amendments bump it). */
  version: number | null;
  /** The principal who made it. */
  proposer: string | null;
  /** Valid time of the ProposalMade. */
  madeAt: OccurredAt | null;
  durationDays: number | null;
  /** Each party's current stance: its category and score (null for UNKNOWN). */
  stances: Record<string, { category: Category; score: number | null }>;
}

/** A proposal with its terms, its versions and every party's full stance at `asOf`. */
export interface ProposalDetail extends Omit<ProposalSummary, 'stances'> {
  terms: string[];
  versions: ProposalVersion[];
  stances: PositionView[];
}

export interface ProposalFilter {
  limit: number;
  cursor?: string;
}

/** proposals_v1, plus proposal ids that only appear in positions (live, or as known at `known.at`). */
function proposalsSql(params: unknown[], known: KnownAt | null | undefined): string {
  const proposals = tableRef('proposals_v1', params, known);
  const positions = tableRef('party_positions_v1', params, known);
  return `
  SELECT id, title, kind, terms, duration_days, version, proposer, made_event_id, versions FROM ${proposals} pr
  UNION ALL
  SELECT DISTINCT p.proposal_id, NULL, NULL, '[]'::jsonb, NULL::int, NULL::int, NULL, NULL::uuid, '[]'::jsonb
    FROM ${positions} p
   WHERE NOT EXISTS (SELECT 1 FROM ${proposals} x WHERE x.id = p.proposal_id)`;
}

/** Every proposal by id, with each party's latest category and score (now, or as known at `known.at`). */
export async function listProposals(pool: Pool, filter: ProposalFilter, known?: KnownAt | null): Promise<Page<ProposalSummary>> {
  const after = filter.cursor ? String(decodeCursor(filter.cursor, ['text'])[0]) : null;
  const params: unknown[] = [after, filter.limit + 1];
  const proposals = proposalsSql(params, known);
  const { rows } = await pool.query(
    `SELECT * FROM (${proposals}) proposals WHERE ($1::text IS NULL OR id COLLATE "C" > $1::text COLLATE "C") ORDER BY id COLLATE "C" LIMIT $2`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  const heldParams: unknown[] = [page.map((r) => r.id)];
  const { rows: held } = await pool.query(
    `SELECT proposal_id, party, category, score FROM ${tableRef('party_positions_v1', heldParams, known)} pp WHERE proposal_id = ANY($1::text[]) ORDER BY party COLLATE "C"`,
    heldParams,
  );
  const items = page.map((r) => {
    const mine = held.filter((h) => h.proposal_id === r.id);
    return { ...toSummary(r), stances: Object.fromEntries(mine.map((h) => [h.party, { category: h.category, score: h.score === null ? null : Number(h.score) }])) };
  });
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor([last.id]) : undefined };
}

/** One proposal with every party's stance at valid time `asOf` (as known now, or at `known.at`); null when neither made nor held. */
export async function getProposal(pool: Pool, id: string, asOf: Date, known?: KnownAt | null): Promise<ProposalDetail | null> {
  const params: unknown[] = [id];
  const { rows } = await pool.query(`SELECT * FROM (${proposalsSql(params, known)}) proposals WHERE id = $1`, params);
  if (!rows.length) return null;
  const r = rows[0];
  return { ...toSummary(r), terms: r.terms, versions: r.versions, stances: await stances(pool, { proposalId: id }, asOf, known) };
}

function toSummary(r: Record<string, any>): Omit<ProposalSummary, 'stances'> {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    version: r.version,
    proposer: r.proposer,
    madeAt: (r.versions as ProposalVersion[]).find((v) => v.eventId === r.made_event_id)?.occurredAt ?? null,
    durationDays: r.duration_days,
  };
}
