import { formOf, journalOf } from '../facts/fact-columns';
import { Pool } from 'pg';
import { Citation, OccurredAt } from '@ledger/contracts';
import { KnownAt, tableRef } from '../known-at/known-at';
import { foldAsKnownAt, KnownTone } from './as-known-at';
import { rowKey } from './fold-order';
import { statesAt } from './position-refold';
import { Category, ConditionState, openConditions, POLICY_VERSION, PositionState, scoreOf } from './positions.fold';

/** The event that set a stance, with the words behind it. */
export interface BasisEvent {
  eventId: string;
  type: string;
  occurredAt: OccurredAt;
  recordedAt: string;
  actors: unknown[];
  quote: string | null;
  direct: boolean | null;
  citations: Citation[];
}

/** Where a party stands on a proposal at valid time `asOf`, as known at record time `knownAt`. */
export interface PositionView {
  party: string;
  proposalId: string;
  asOf: string;
  knownAt: string | null;
  category: Category;
  score: number | null;
  lean: number;
  openConditions: number;
  conditions: ConditionState[];
  basisEventId: string | null;
  basis: BasisEvent | null;
  contested: boolean;
  version: number | null;
  since: OccurredAt | null;
  policyVersion: number;
}

/** One change of stance in the step series. */
export interface StepView {
  eventId: string;
  type: string;
  occurredAt: OccurredAt;
  occurredStart: string;
  recordedAt: string;
  category: Category;
  score: number | null;
  openConditions: number;
  contested: boolean;
  basisEventId: string | null;
}

/** The lean looks back this far from asOf. */
export const LEAN_WINDOW_DAYS = 30;
const DAY = 86_400_000;

/** Sum of Goldstein/10 of tonal events in the 30 days up to asOf, clamped to −1..1 (anchored to asOf, never the wall clock). */
export function leanAt(tones: KnownTone[], asOf: number): number {
  return leanOf(tones.filter((t) => t.occurredStart <= asOf && t.occurredStart > asOf - LEAN_WINDOW_DAYS * DAY).map((t) => t.goldstein));
}

/** The lean of the Goldstein values of the tonal events in its window. */
function leanOf(goldsteins: number[]): number {
  const tenths = goldsteins.reduce((n, g) => n + Math.round(g * 10), 0);
  return Math.max(-1, Math.min(1, tenths / 100));
}

export async function positionAt(pool: Pool, party: string, proposalId: string, asOf: Date, knownAt: Date | null): Promise<PositionView> {
  if (knownAt) {
    const folded = await foldAsKnownAt(pool, party, proposalId, knownAt);
    const state = folded.steps.filter((s) => s.key.occurredStart <= asOf.getTime()).pop()?.state ?? null;
    const basis = state?.basisEventId ? ((await basisEvents(pool, [state.basisEventId])).get(state.basisEventId) ?? null) : null;
    return view(party, proposalId, asOf, knownAt, state, leanAt(folded.tones, asOf.getTime()), basis);
  }
  // Live: the pair's current row, its tones in the lean's window and the current row's basis in one
  // round trip (each statement is a wake-up of a PostgreSQL backend: most of a query's cost here).
  const { rows } = await pool.query(LIVE_POSITION, [party, proposalId, asOf]);
  const row = rows[0];
  const lean = leanOf((row.tones as string[]).map(Number));
  if (!row.party) return view(party, proposalId, asOf, null, null, lean, null);
  if (!row.later) return view(party, proposalId, asOf, null, shownOf(row), lean, row.basis_id ? basisOf(row.basis_id, row.basis_type, row.basis_recorded_at, row.basis_e) : null);
  // asOf falls before the pair's last step: the last stored state up to asOf, with its step's place in the fold order.
  const history = await pool.query(
    `SELECT party, proposal_id, state, ${STEP_KEY} FROM read_model.position_history_v1
      WHERE party = $1 AND proposal_id = $2 AND occurred_start <= $3 AND state IS NOT NULL
      ORDER BY occurred_start DESC, precision_rank DESC, authority DESC, reported_at DESC, partition DESC, "offset" DESC, event_id DESC
      LIMIT 1`,
    [party, proposalId, asOf],
  );
  const state = (await liveStates(pool, history.rows, asOf)).get(`${party}\u0000${proposalId}`) ?? null;
  const basis = state?.basisEventId ? ((await basisEvents(pool, [state.basisEventId])).get(state.basisEventId) ?? null) : null;
  return view(party, proposalId, asOf, null, state, lean, basis);
}

/** The columns of a history step's place in the fold order. */
const STEP_KEY = `occurred_start, precision_rank, authority, reported_at, partition, "offset", event_id`;

/** What a position shows of the fold's state. */
type Shown = Pick<PositionState, 'category' | 'conditions' | 'basisEventId' | 'contested' | 'version' | 'sinceValue' | 'sincePrecision'>;

/**
 * A pair's current row as a position shows it, and whether asOf ($3) falls before its last step
 * (then the current row is not the state at asOf). Over party_positions_v1 `p`.
 */
const CURRENT = `p.party, p.proposal_id, p.category, p.conditions, p.basis_event_id, p.contested, p.version, p.since_value, p.since_precision,
  EXISTS (SELECT 1 FROM read_model.position_history_v1 h WHERE h.party = p.party AND h.proposal_id = p.proposal_id AND h.occurred_start > $3) AS later`;

/**
 * A live position in one statement: the pair's current row (CURRENT; all NULL when the pair has none),
 * the Goldstein values of its tonal events in the lean's window up to asOf ($3), and the current row's
 * basis event in its form now (basisEvents' columns).
 */
const LIVE_POSITION = `SELECT ${CURRENT},
    ARRAY(SELECT t.goldstein::text FROM read_model.tonal_events_v1 t
           WHERE t.party = $1 AND t.proposal_id = $2 AND t.occurred_start <= $3 AND t.occurred_start > $3::timestamptz - interval '${LEAN_WINDOW_DAYS} days') AS tones,
    b.event_id AS basis_id, b.type AS basis_type, b.recorded_at AS basis_recorded_at, b.e AS basis_e
  FROM (VALUES (1)) AS one (x)
  LEFT JOIN read_model.party_positions_v1 p ON p.party = $1 AND p.proposal_id = $2
  LEFT JOIN LATERAL (SELECT ev.event_id, ev.type, ev.recorded_at, ${formOf('ev', 'j')} AS e
                       FROM read_model.events_v1 ev ${journalOf('ev', 'j')} WHERE ev.event_id = p.basis_event_id) b ON true`;

function shownOf(r: Record<string, any>): Shown {
  return {
    category: r.category,
    conditions: r.conditions,
    basisEventId: r.basis_event_id,
    contested: r.contested,
    version: r.version,
    sinceValue: r.since_value,
    sincePrecision: r.since_precision,
  };
}

/** Each pair's state at asOf in the live read models, from its last stored state (rows with the step's order key). */
function liveStates(pool: Pool, rows: Record<string, any>[], asOf: Date): Promise<Map<string, PositionState>> {
  return statesAt(
    pool,
    rows.map((r) => ({ party: r.party, proposalId: r.proposal_id, key: rowKey(r), state: r.state as PositionState })),
    asOf,
  );
}

/** Every party's stance on a proposal (or one party's on every proposal) at valid time asOf, as known now or at `known.at`. */
export async function stances(pool: Pool, filter: { proposalId?: string; party?: string }, asOf: Date, known?: KnownAt | null): Promise<PositionView[]> {
  const params: unknown[] = [filter.proposalId ?? null, filter.party ?? null, asOf];
  const lastStored = (history: string) =>
    // Per pair, the last stored state up to asOf (a pair's first step always stores one).
    pool.query(
      `SELECT DISTINCT ON (party, proposal_id) party, proposal_id, state, ${STEP_KEY} FROM ${history} h
        WHERE ($1::text IS NULL OR proposal_id = $1) AND ($2::text IS NULL OR party = $2) AND occurred_start <= $3 AND state IS NOT NULL
        ORDER BY party, proposal_id, occurred_start DESC, precision_rank DESC, authority DESC, reported_at DESC, partition DESC, "offset" DESC, event_id DESC`,
      params,
    );
  let rows: { party: string; proposal_id: string; state: Shown }[];
  if (known) {
    // A knownAt query's rows store the state of every step that changes it.
    rows = (await lastStored(tableRef('position_history_v1', params, known))).rows;
  } else {
    // Live: the current row where asOf is past the pair's last step; else the last stored state up
    // to asOf with the steps after it folded again.
    const { rows: current } = await pool.query(
      `SELECT ${CURRENT} FROM read_model.party_positions_v1 p WHERE ($1::text IS NULL OR p.proposal_id = $1) AND ($2::text IS NULL OR p.party = $2) ORDER BY p.party, p.proposal_id`,
      params,
    );
    const later = new Set(current.filter((r) => r.later).map((r) => `${r.party}\u0000${r.proposal_id}`));
    const earlier = later.size ? (await lastStored('read_model.position_history_v1')).rows : [];
    const states = await liveStates(
      pool,
      earlier.filter((r) => later.has(`${r.party}\u0000${r.proposal_id}`)),
      asOf,
    );
    rows = current.flatMap((r) => {
      const state = r.later ? states.get(`${r.party}\u0000${r.proposal_id}`) : shownOf(r);
      return state ? [{ party: r.party as string, proposal_id: r.proposal_id as string, state }] : [];
    });
  }
  const tonalParams: unknown[] = [filter.proposalId ?? null, filter.party ?? null, asOf];
  const { rows: tonal } = await pool.query(
    `SELECT party, proposal_id, occurred_start, goldstein FROM ${tableRef('tonal_events_v1', tonalParams, known)} t
      WHERE ($1::text IS NULL OR proposal_id = $1) AND ($2::text IS NULL OR party = $2) AND occurred_start <= $3 AND occurred_start > $3::timestamptz - interval '${LEAN_WINDOW_DAYS} days'`,
    tonalParams,
  );
  const tones = new Map<string, KnownTone[]>();
  for (const t of tonal) {
    const key = `${t.party}\u0000${t.proposal_id}`;
    tones.set(key, [...(tones.get(key) ?? []), { occurredStart: (t.occurred_start as Date).getTime(), goldstein: Number(t.goldstein) }]);
  }
  const bases = await basisEvents(
    pool,
    rows.map((r) => r.state.basisEventId).filter((x): x is string => !!x),
    known,
  );
  return rows.map((r) => {
    const state = r.state;
    return view(
      r.party,
      r.proposal_id,
      asOf,
      known?.at ?? null,
      state,
      leanAt(tones.get(`${r.party}\u0000${r.proposal_id}`) ?? [], asOf.getTime()),
      state.basisEventId ? (bases.get(state.basisEventId) ?? null) : null,
    );
  });
}

/** The step series: each change of stance, in fold order; as known at `knownAt` when given. */
export async function positionHistory(pool: Pool, party: string, proposalId: string, knownAt: Date | null): Promise<StepView[]> {
  if (knownAt) {
    const { steps } = await foldAsKnownAt(pool, party, proposalId, knownAt);
    return steps
      .filter((s) => s.changed)
      .map((s) => ({
        eventId: s.fact.eventId,
        type: s.fact.type,
        occurredAt: s.fact.effective!.occurredAt,
        occurredStart: new Date(s.key.occurredStart).toISOString(),
        recordedAt: s.fact.recordedAt,
        category: s.state.category,
        score: scoreOf(s.state),
        openConditions: openConditions(s.state),
        contested: s.state.contested,
        basisEventId: s.state.basisEventId,
      }));
  }
  const { rows } = await pool.query(
    `SELECT event_id, event_type, occurred_value, occurred_precision, occurred_start, recorded_at, category, score, open_conditions, contested, basis_event_id
       FROM read_model.position_history_v1 WHERE party = $1 AND proposal_id = $2 AND changed
      ORDER BY occurred_start, precision_rank, authority, reported_at, partition, "offset", event_id`,
    [party, proposalId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    type: r.event_type,
    occurredAt: { value: r.occurred_value, precision: r.occurred_precision },
    occurredStart: (r.occurred_start as Date).toISOString(),
    recordedAt: (r.recorded_at as Date).toISOString(),
    category: r.category,
    score: r.score === null ? null : Number(r.score),
    openConditions: r.open_conditions,
    contested: r.contested,
    basisEventId: r.basis_event_id,
  }));
}

/** The basis events, in their effective form now or, given `known`, as known at `known.at`. */
export async function basisEvents(pool: Pool, ids: string[], known?: KnownAt | null): Promise<Map<string, BasisEvent>> {
  if (!ids.length) return new Map();
  const params: unknown[] = [[...new Set(ids)]];
  const events = tableRef('events_v1', params, known);
  // A retracted basis still shows the words it said (its envelope as recorded).
  const { rows } = await pool.query(
    `SELECT ev.event_id, ev.type, ev.recorded_at, ${formOf('ev', 'j')} AS e FROM ${events} ev ${journalOf('ev', 'j')} WHERE ev.event_id = ANY($1::uuid[])`,
    params,
  );
  return new Map(rows.map((r) => [r.event_id, basisOf(r.event_id, r.type, r.recorded_at, r.e)]));
}

/** A basis event from its id, type, recording time and form. */
function basisOf(eventId: string, type: string, recordedAt: Date, e: Record<string, any>): BasisEvent {
  return {
    eventId,
    type,
    occurredAt: e.occurredAt,
    recordedAt: recordedAt.toISOString(),
    actors: e.actors,
    quote: e.evidence?.quote ?? null,
    direct: e.evidence?.direct ?? null,
    citations: e.citations ?? [],
  };
}

function view(party: string, proposalId: string, asOf: Date, knownAt: Date | null, s: Shown | null, lean: number, basis: BasisEvent | null): PositionView {
  return {
    party,
    proposalId,
    asOf: asOf.toISOString(),
    knownAt: knownAt ? knownAt.toISOString() : null,
    category: s?.category ?? 'UNKNOWN',
    score: s ? scoreOf(s) : null,
    lean,
    openConditions: s ? openConditions(s) : 0,
    conditions: s?.conditions ?? [],
    basisEventId: s?.basisEventId ?? null,
    basis,
    contested: s?.contested ?? false,
    version: s?.version ?? null,
    since: s?.sinceValue ? { value: s.sinceValue, precision: s.sincePrecision ?? 'day' } : null,
    policyVersion: POLICY_VERSION,
  };
}

/** The (party, proposal) pairs whose stances these events count for, by party then proposal. */
export async function positionPairsOf(pool: Pool, eventIds: string[]): Promise<{ party: string; proposalId: string }[]> {
  if (!eventIds.length) return [];
  const { rows } = await pool.query(`SELECT DISTINCT party, proposal_id FROM read_model.position_events_v1 WHERE event_id = ANY($1::uuid[]) ORDER BY party, proposal_id`, [
    eventIds,
  ]);
  return rows.map((r) => ({ party: r.party as string, proposalId: r.proposal_id as string }));
}
