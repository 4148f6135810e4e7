import { effectiveOf, journalOf } from '../facts/fact-columns';
import { PoolClient } from 'pg';
import { COPY_NULL, copyLines, copyText } from '@ledger/postgres';
import { EventEnvelope } from '@ledger/contracts';
import { compareOrder, keyColumns, OrderKey, rowKey, UNKNOWN_AUTHORITY } from './fold-order';
import { foldPosition, INITIAL_STATE, openConditions, POLICY_VERSION, PositionInput, PositionState, sameState, scoreOf } from './positions.fold';

interface Pair {
  party: string;
  proposalId: string;
  from: OrderKey;
}

/** One event of a pair's fold, with its place in the fold order. */
export interface PairInput extends OrderKey {
  own: boolean;
  speaker: string | null;
  type: string;
  effective: any;
  recordedAt: string;
}

/** The fold order as an SQL row value over the columns of table alias `t` (compare with >=). */
const keyOf = (t: string) => `(${t}.occurred_start, ${t}.precision_rank, ${t}.authority, ${t}.reported_at, ${t}.partition, ${t}."offset", ${t}.event_id)`;
const FROM = keyOf('k');

/** Before every event: folding from here re-folds a pair from scratch. */
const BEGINNING: OrderKey = {
  occurredStart: -Infinity,
  precisionRank: -1,
  authority: -1,
  reportedAt: null,
  partition: -1,
  offset: '-1',
  eventId: '00000000-0000-0000-0000-000000000000',
};
const PAIRS = `jsonb_to_recordset($1::jsonb) AS k(party text, proposal_id text, occurred_start timestamptz, precision_rank int, authority int,
               reported_at timestamptz, partition int, "offset" bigint, event_id uuid)`;

/**
 * Re-folds each pair from its insertion point: history from there on is dropped, the state just
 * before it (the last stored state there) is the starting point, and the pair's events from there on
 * are folded again in the total order. An event appended in order re-folds exactly one step.
 */
export async function refoldPairs(client: PoolClient, touched: Pair[], inMemory: Map<string, EventEnvelope> = new Map()): Promise<void> {
  let pairs = touched;
  const keys = JSON.stringify(pairs.map((p) => ({ ...keyColumns(p.from), party: p.party, proposal_id: p.proposalId })));
  await client.query(
    `DELETE FROM position_history_v1 h USING ${PAIRS}
      WHERE h.party = k.party AND h.proposal_id = k.proposal_id AND ${keyOf('h')} >= ${FROM}`,
    [keys],
  );
  // A pair with nothing left before its insertion point folds from the very beginning: earlier
  // ConditionResolved events of its proposal belong to its history too, whatever arrived first.
  // A stance exists only while the party has events of its own on the proposal; others'
  // ConditionResolved events alone make none.
  const owned = await ownedPairs(client, keys);
  const gone = pairs.filter((p) => !owned.has(`${p.party}\u0000${p.proposalId}`));
  pairs = pairs.filter((p) => owned.has(`${p.party}\u0000${p.proposalId}`));
  if (gone.length) {
    const doomed = JSON.stringify(gone.map((p) => ({ party: p.party, proposal_id: p.proposalId })));
    await client.query(
      `DELETE FROM position_history_v1 h USING jsonb_to_recordset($1::jsonb) AS k(party text, proposal_id text) WHERE h.party = k.party AND h.proposal_id = k.proposal_id`,
      [doomed],
    );
    await client.query(
      `DELETE FROM party_positions_v1 p USING jsonb_to_recordset($1::jsonb) AS k(party text, proposal_id text) WHERE p.party = k.party AND p.proposal_id = k.proposal_id`,
      [doomed],
    );
  }
  const snapshots = await loadSnapshots(client, keys);
  const from = pairs.map((p) => (snapshots.has(`${p.party}\u0000${p.proposalId}`) ? p : { ...p, from: BEGINNING }));
  const inputs = await loadInputs(client, JSON.stringify(from.map((p) => ({ ...keyColumns(p.from), party: p.party, proposal_id: p.proposalId }))), inMemory);
  const history: ReturnType<typeof historyRow>[] = [];
  const current: unknown[] = [];
  for (const pair of pairs) {
    const id = `${pair.party}\u0000${pair.proposalId}`;
    const folded = foldSteps(pair, inputs.get(id) ?? [], snapshots.get(id) ?? null);
    history.push(...folded.history);
    current.push(folded.current);
  }
  await insertHistory(client, history);
  await upsertCurrent(client, current);
}

/**
 * Folds a pair's events (sorted here, in the total order) from `restart`, the state after the step
 * just before them (null: from the pair's beginning): the position_history_v1 rows it steps through
 * and the party_positions_v1 row it ends on. A step stores the full state only where it differs from
 * the step before, and the pair's first step always does, so the state at any step is the last one
 * stored at or before it. Pure.
 */
export function foldSteps(pair: { party: string; proposalId: string }, events: PairInput[], restart: PositionState | null = null) {
  const history: ReturnType<typeof historyRow>[] = [];
  let state = restart ?? INITIAL_STATE;
  let shown = visible(state);
  for (const e of [...events].sort(compareOrder)) {
    const next = foldPosition(state, toInput(e));
    const first = restart === null && history.length === 0;
    const same = !first && sameState(next, state);
    const nextShown = same ? shown : visible(next);
    history.push(historyRow(pair, e, next, nextShown !== shown, same ? null : next));
    state = next;
    shown = nextShown;
  }
  return { history, current: currentRow(pair, state) };
}

async function ownedPairs(client: PoolClient, keys: string): Promise<Set<string>> {
  const { rows } = await client.query(`SELECT DISTINCT k.party, k.proposal_id FROM ${PAIRS} JOIN position_events_v1 m ON m.party = k.party AND m.proposal_id = k.proposal_id`, [
    keys,
  ]);
  return new Set(rows.map((r) => `${r.party}\u0000${r.proposal_id}`));
}

async function loadSnapshots(client: PoolClient, keys: string): Promise<Map<string, PositionState>> {
  // One backward index scan per pair: the last stored state before the insertion point (the steps
  // after it that store none have the same state).
  const { rows } = await client.query(
    `SELECT k.party, k.proposal_id, h.state FROM ${PAIRS}
       JOIN LATERAL (SELECT state FROM position_history_v1 h WHERE h.party = k.party AND h.proposal_id = k.proposal_id AND h.state IS NOT NULL
                      ORDER BY h.occurred_start DESC, h.precision_rank DESC, h.authority DESC, h.reported_at DESC, h.partition DESC, h."offset" DESC, h.event_id DESC
                      LIMIT 1) h ON true`,
    [keys],
  );
  return new Map(rows.map((r) => [`${r.party}\u0000${r.proposal_id}`, r.state as PositionState]));
}

/** The pair's own events from the insertion point on, and its proposal's ConditionResolved events by others. */
async function loadInputs(client: PoolClient, keys: string, inMemory: Map<string, EventEnvelope>): Promise<Map<string, PairInput[]>> {
  // The batch's own events are in memory: their envelopes are not read back.
  const skip = [...inMemory.keys()];
  const { rows } = await client.query(
    `SELECT k.party, k.proposal_id, true AS own, m.speaker, m.occurred_start, m.precision_rank, m.authority, m.reported_at, m.partition, m."offset",
            m.event_id, e.type, CASE WHEN e.event_id = ANY($2::uuid[]) THEN NULL ELSE ${effectiveOf('e', 'j')} END AS effective, e.recorded_at
       FROM ${PAIRS}
       JOIN position_events_v1 m ON m.party = k.party AND m.proposal_id = k.proposal_id
       JOIN events_v1 e ON e.event_id = m.event_id
       ${journalOf('e', 'j')}
      WHERE ${keyOf('m')} >= ${FROM}
     UNION ALL
     SELECT k.party, k.proposal_id, false, NULL, e.occurred_start, e.precision_rank, ${UNKNOWN_AUTHORITY}, coalesce(e.reported_at, 'infinity'), e.partition, e."offset",
            e.event_id, e.type, CASE WHEN e.event_id = ANY($2::uuid[]) THEN NULL ELSE ${effectiveOf('e', 'j')} END, e.recorded_at
       FROM ${PAIRS}
       JOIN events_v1 e ON e.proposal_id = k.proposal_id AND e.type = 'ConditionResolved' AND e.counts
       ${journalOf('e', 'j')}
      WHERE (e.occurred_start, e.precision_rank, ${UNKNOWN_AUTHORITY}, coalesce(e.reported_at, 'infinity'), e.partition, e."offset", e.event_id) >= ${FROM}
        AND NOT EXISTS (SELECT 1 FROM position_events_v1 m WHERE m.party = k.party AND m.proposal_id = k.proposal_id AND m.event_id = e.event_id)`,
    [keys, skip],
  );
  const out = new Map<string, PairInput[]>();
  for (const r of rows) {
    const id = `${r.party}\u0000${r.proposal_id}`;
    const list = out.get(id) ?? [];
    list.push({
      ...rowKey(r),
      own: r.own,
      speaker: r.speaker,
      type: r.type,
      effective: r.effective ?? inMemory.get(r.event_id),
      recordedAt: (r.recorded_at as Date).toISOString(),
    });
    out.set(id, list);
  }
  return out;
}

function toInput(e: PairInput): PositionInput {
  return {
    eventId: e.eventId,
    type: e.type,
    occurredStart: e.occurredStart,
    occurredValue: e.effective.occurredAt.value,
    occurredPrecision: e.effective.occurredAt.precision,
    authority: e.authority,
    speaker: e.speaker ?? e.eventId,
    own: e.own,
    modality: e.effective.modality,
    data: e.effective.data ?? {},
  };
}

function visible(s: PositionState): string {
  return JSON.stringify([s.category, scoreOf(s), s.conditions, s.contested, s.version]);
}

/**
 * One step; `state` is the full state after it, or null when it is the same as the step before.
 * Built on keyColumns' object, not spread from it: an object literal that starts with a spread and
 * adds a dozen properties after it is built property by property (measured: 12 µs a row, a third of
 * a replay's position fold).
 */
function historyRow(pair: { party: string; proposalId: string }, e: PairInput, after: PositionState, changed: boolean, state: PositionState | null) {
  return Object.assign(keyColumns(e), {
    party: pair.party,
    proposal_id: pair.proposalId,
    event_type: e.type,
    occurred_value: e.effective.occurredAt.value,
    occurred_precision: e.effective.occurredAt.precision,
    recorded_at: e.recordedAt,
    category: after.category,
    score: scoreOf(after),
    open_conditions: openConditions(after),
    contested: after.contested,
    basis_event_id: after.basisEventId,
    changed,
    state,
  });
}

function currentRow(pair: { party: string; proposalId: string }, s: PositionState) {
  return {
    party: pair.party,
    proposal_id: pair.proposalId,
    category: s.category,
    score: scoreOf(s),
    version: s.version,
    open_conditions: openConditions(s),
    conditions: s.conditions,
    contested: s.contested,
    basis_event_id: s.basisEventId,
    since_value: s.sinceValue,
    since_start: s.sinceStart === null ? null : new Date(s.sinceStart).toISOString(),
    policy_version: POLICY_VERSION,
  };
}

const HISTORY_COLUMNS = `party, proposal_id, occurred_start, precision_rank, authority, reported_at, partition, "offset", event_id,
  event_type, occurred_value, occurred_precision, recorded_at, category, score, open_conditions, contested, basis_event_id, changed, state`;

/**
 * The steps, with one COPY: a stored state is a few kilobytes of JSON (a pair's conditions
 * accumulate), and inside a jsonb_to_recordset parameter PostgreSQL parsed it twice and printed it
 * once; as a COPY field it is parsed once. Each line is built for this table's columns, in their order.
 */
async function insertHistory(client: PoolClient, rows: ReturnType<typeof historyRow>[]): Promise<void> {
  if (!rows.length) return;
  let lines = '';
  for (const r of rows) {
    lines +=
      `${copyText(r.party)}\t${copyText(r.proposal_id)}\t${r.occurred_start}\t${r.precision_rank}\t${r.authority}\t${r.reported_at}\t${r.partition}\t${r.offset}\t` +
      `${r.event_id}\t${copyText(r.event_type)}\t${copyText(r.occurred_value)}\t${copyText(r.occurred_precision)}\t${r.recorded_at}\t${copyText(r.category)}\t` +
      `${r.score ?? COPY_NULL}\t${r.open_conditions}\t${r.contested ? 't' : 'f'}\t${r.basis_event_id ?? COPY_NULL}\t${r.changed ? 't' : 'f'}\t` +
      `${r.state === null ? COPY_NULL : copyText(JSON.stringify(r.state))}\n`;
  }
  await copyLines(client, `COPY position_history_v1 (${HISTORY_COLUMNS}) FROM STDIN`, lines);
}

async function upsertCurrent(client: PoolClient, rows: unknown[]): Promise<void> {
  if (!rows.length) return;
  await client.query(
    `INSERT INTO party_positions_v1 (party, proposal_id, category, score, version, open_conditions, conditions, contested, basis_event_id,
            since_value, since_start, policy_version)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(party text, proposal_id text, category text, score numeric, version int, open_conditions int,
            conditions jsonb, contested boolean, basis_event_id uuid, since_value text, since_start timestamptz, policy_version int)
     ON CONFLICT (party, proposal_id) DO UPDATE SET category = excluded.category, score = excluded.score, version = excluded.version,
            open_conditions = excluded.open_conditions, conditions = excluded.conditions, contested = excluded.contested,
            basis_event_id = excluded.basis_event_id, since_value = excluded.since_value, since_start = excluded.since_start,
            policy_version = excluded.policy_version`,
    [JSON.stringify(rows)],
  );
}
