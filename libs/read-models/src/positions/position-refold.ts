import { effectiveOf, journalOf } from '../facts/fact-columns';
import { Pool, PoolClient } from 'pg';
import { COPY_NULL, copyLines, copyText, readBoth, write } from '@ledger/postgres';
import { EventEnvelope, isoInstant } from '@ledger/contracts';
import { READ_SCHEMA } from '../schemas';
import { LastRow, PairTail, PairTails } from './pair-tails';
import { compareOrder, keyColumns, OrderKey, rowKey, UNKNOWN_AUTHORITY } from './fold-order';
import { foldPosition, INITIAL_STATE, openConditions, POLICY_VERSION, PositionInput, PositionState, sameShown, sameState, scoreOf } from './positions.fold';

/** A pool or a client: whatever answers a query. */
type Queryable = Pick<Pool, 'query'>;

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
/** The fold order, last first, over position_history_v1 `h`. */
const ORDER_DESC = `h.occurred_start DESC, h.precision_rank DESC, h.authority DESC, h.reported_at DESC, h.partition DESC, h."offset" DESC, h.event_id DESC`;

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
 * PAIRS with its row count ($2) made known to the planner, for statements that join it to a whole
 * table: jsonb_to_recordset is estimated at 100 rows whatever it holds, and against that the
 * planner hashed a scan of every history row or position event, batch after batch, where the few
 * pairs of a batch want one index probe each.
 */
const COUNTED_PAIRS = `(SELECT * FROM ${PAIRS} LIMIT $2) AS k`;

/**
 * How often a history step stores the fold's full state: on a pair's first step, then on every
 * STATE_EVERY-th step that changes it (counted from the last one stored). A re-fold restarts from the
 * last stored state and folds at most this many changes again before it reaches its insertion point;
 * a query of the state at a step does the same. The rule depends only on the pair's steps in fold
 * order, so a bulk build and any sequence of re-folds store states on the same steps.
 */
export const STATE_EVERY = 8;

/**
 * Re-folds each pair from its insertion point: history from there on is dropped, and the pair's
 * events from there on are folded again in the total order, onto the state before the insertion
 * point; rows are written from the insertion point on. That state is `tails`' entry when it still
 * describes the pair's last remaining step (a batch that appends to a pair this process wrote last),
 * else the last stored state before the insertion point with the events after its step folded again.
 * An event appended in order writes exactly one step.
 */
export async function refoldPairs(client: PoolClient, touched: Pair[], inMemory: Map<string, EventEnvelope> = new Map(), tails = new PairTails(0)): Promise<void> {
  let pairs = touched;
  const keys = pairKeys(pairs);
  await write(
    client,
    `DELETE FROM position_history_v1 h USING ${COUNTED_PAIRS}
      WHERE h.party = k.party AND h.proposal_id = k.proposal_id AND ${keyOf('h')} >= ${FROM}`,
    [keys, pairs.length],
  );
  // A pair with nothing left before its insertion point folds from the very beginning: earlier
  // ConditionResolved events of its proposal belong to its history too, whatever arrived first.
  // A stance exists only while the party has events of its own on the proposal; others'
  // ConditionResolved events alone make none.
  // With it, in the same round trip, each pair's last history row left: a pair that is gone keeps
  // its rows until the DELETEs below, but nothing reads its last row.
  const [owned, { schema, xid, last }] = await readBoth(
    client,
    () => ownedPairs(client, keys, pairs.length),
    () => lastRows(client, keys),
  );
  const gone = pairs.filter((p) => !owned.has(`${p.party}\u0000${p.proposalId}`));
  pairs = pairs.filter((p) => owned.has(`${p.party}\u0000${p.proposalId}`));
  if (gone.length) {
    const doomed = JSON.stringify(gone.map((p) => ({ party: p.party, proposal_id: p.proposalId })));
    await write(
      client,
      `DELETE FROM position_history_v1 h USING jsonb_to_recordset($1::jsonb) AS k(party text, proposal_id text) WHERE h.party = k.party AND h.proposal_id = k.proposal_id`,
      [doomed],
    );
    await write(
      client,
      `DELETE FROM party_positions_v1 p USING jsonb_to_recordset($1::jsonb) AS k(party text, proposal_id text) WHERE p.party = k.party AND p.proposal_id = k.proposal_id`,
      [doomed],
    );
  }
  for (const p of gone) tails.forget(schema, p.party, p.proposalId);
  const held = new Map<string, PairTail>();
  for (const p of pairs) {
    const id = `${p.party}\u0000${p.proposalId}`;
    const tail = tails.match(schema, p.party, p.proposalId, last.get(id));
    if (tail) held.set(id, tail);
  }
  // Without a row left before the insertion point there is no state to read: the pair folds from its beginning.
  const snapshots = await loadSnapshots(
    client,
    pairs.filter((p) => !held.has(`${p.party}\u0000${p.proposalId}`) && last.has(`${p.party}\u0000${p.proposalId}`)),
  );
  const starts = pairs.map((p) => {
    const id = `${p.party}\u0000${p.proposalId}`;
    return { party: p.party, proposalId: p.proposalId, from: held.has(id) ? p.from : (snapshots.get(id)?.key ?? BEGINNING) };
  });
  const inputs = await loadInputs(client, pairKeys(starts), inMemory);
  const history: ReturnType<typeof historyRow>[] = [];
  const current: unknown[] = [];
  for (const pair of pairs) {
    const id = `${pair.party}\u0000${pair.proposalId}`;
    const tail = held.get(id);
    const restart = tail ?? snapshots.get(id);
    // Without a stored state before the insertion point the pair has no steps before it either, but
    // may have inputs there (another party's ConditionResolved): every step is written.
    const folded = restart
      ? foldSteps(pair, after(inputs.get(id) ?? [], restart.key), restart.state, { emitFrom: pair.from, changes: tail?.changes ?? 0 })
      : foldSteps(pair, inputs.get(id) ?? []);
    history.push(...folded.history);
    current.push(folded.current);
    // The pair's last step is one this transaction writes (history from the insertion point on is).
    if (folded.end && folded.history.length) tails.set(schema, pair.party, pair.proposalId, { ...folded.end, xid });
    else tails.forget(schema, pair.party, pair.proposalId);
  }
  await insertHistory(client, history);
  await upsertCurrent(client, current);
}

/**
 * Folds a pair's events (sorted here, in the total order) from `restart` (null: from the pair's
 * beginning), given the events after its step: the position_history_v1 rows it steps through from
 * `emitFrom` on (default: all), the party_positions_v1 row it ends on, and where it ends (null
 * without events). A step stores the full state on the pair's first step and on every `every`-th
 * step that changes it since the last one stored (STATE_EVERY; `changes`: those since the last one
 * stored before `restart`, 0 when restart is a stored state); the others store NULL. Pure.
 */
export function foldSteps(
  pair: { party: string; proposalId: string },
  events: PairInput[],
  restart: PositionState | null = null,
  options: { emitFrom?: OrderKey; every?: number; changes?: number } = {},
) {
  const { emitFrom = null, every = STATE_EVERY } = options;
  const history: ReturnType<typeof historyRow>[] = [];
  let state = restart ?? INITIAL_STATE;
  let first = restart === null;
  let changes = options.changes ?? 0;
  const sorted = [...events].sort(compareOrder);
  for (const e of sorted) {
    const next = foldPosition(state, toInput(e));
    const same = !first && sameState(next, state);
    let stored: PositionState | null = null;
    if (first || (!same && ++changes >= every)) {
      stored = next;
      changes = 0;
    }
    first = false;
    if (emitFrom === null || compareOrder(e, emitFrom) >= 0) history.push(historyRow(pair, e, next, !same && !sameShown(next, state), stored));
    state = next;
  }
  // The last step's key alone: a tail held between batches must not keep the event's envelope alive.
  const last = sorted[sorted.length - 1];
  const end = last
    ? {
        key: {
          occurredStart: last.occurredStart,
          precisionRank: last.precisionRank,
          authority: last.authority,
          reportedAt: last.reportedAt,
          partition: last.partition,
          offset: last.offset,
          eventId: last.eventId,
        },
        state,
        changes,
      }
    : null;
  return { history, current: currentRow(pair, state), end };
}

/** The state after `events` (sorted here, in the total order) folded onto `state`. Pure. */
export function foldOnto(state: PositionState, events: PairInput[]): PositionState {
  for (const e of [...events].sort(compareOrder)) state = foldPosition(state, toInput(e));
  return state;
}

/** A stored state and the order key of its step: where a re-fold of its pair restarts. */
export interface Snapshot {
  key: OrderKey;
  state: PositionState;
}

/** The inputs strictly after a snapshot's step (all of them without one). */
function after(inputs: PairInput[], key: OrderKey | undefined): PairInput[] {
  return key ? inputs.filter((i) => compareOrder(i, key) > 0) : inputs;
}

function pairKeys(pairs: { party: string; proposalId: string; from: OrderKey }[]): string {
  return JSON.stringify(pairs.map((p) => ({ ...keyColumns(p.from), party: p.party, proposal_id: p.proposalId })));
}

/**
 * Each pair's state at valid time `asOf`, from its last stored state at or before it: the events
 * after that state's step up to asOf are folded again (at most STATE_EVERY − 1 changes).
 */
export async function statesAt(db: Queryable, snapshots: (Snapshot & { party: string; proposalId: string })[], asOf: Date): Promise<Map<string, PositionState>> {
  const out = new Map<string, PositionState>();
  if (!snapshots.length) return out;
  const inputs = await loadInputs(db, pairKeys(snapshots.map((s) => ({ party: s.party, proposalId: s.proposalId, from: s.key }))), new Map(), asOf, `${READ_SCHEMA}.`);
  for (const s of snapshots) {
    const id = `${s.party}\u0000${s.proposalId}`;
    out.set(id, foldOnto(s.state, after(inputs.get(id) ?? [], s.key)));
  }
  return out;
}

async function ownedPairs(client: PoolClient, keys: string, count: number): Promise<Set<string>> {
  const { rows } = await client.query(
    `SELECT DISTINCT k.party, k.proposal_id FROM ${COUNTED_PAIRS} JOIN position_events_v1 m ON m.party = k.party AND m.proposal_id = k.proposal_id`,
    [keys, count],
  );
  return new Set(rows.map((r) => `${r.party}\u0000${r.proposal_id}`));
}

/** The pair's last history row now (after the re-fold's DELETE), the batch's schema and its transaction id (as xmin shows it). */
async function lastRows(client: PoolClient, keys: string): Promise<{ schema: string; xid: string; last: Map<string, LastRow> }> {
  const { rows } = await client.query(
    `SELECT k.party, k.proposal_id, current_schema() AS schema, (txid_current() % 4294967296)::text AS xid, l.*
       FROM ${PAIRS}
       LEFT JOIN LATERAL (SELECT h.xmin::text AS xmin, h.occurred_start, h.precision_rank, h.authority, h.reported_at, h.partition, h."offset", h.event_id
                            FROM position_history_v1 h WHERE h.party = k.party AND h.proposal_id = k.proposal_id
                           ORDER BY ${ORDER_DESC} LIMIT 1) l ON true`,
    [keys],
  );
  const last = new Map<string, LastRow>();
  for (const r of rows) if (r.xmin !== null) last.set(`${r.party}\u0000${r.proposal_id}`, { key: rowKey(r), xmin: r.xmin });
  return { schema: rows[0]?.schema ?? '', xid: rows[0]?.xid ?? '', last };
}

async function loadSnapshots(client: PoolClient, pairs: Pair[]): Promise<Map<string, Snapshot>> {
  if (!pairs.length) return new Map();
  // One backward index scan per pair: the last stored state before the insertion point (history
  // from the insertion point on is already deleted), with the order key of its step.
  const { rows } = await client.query(
    `SELECT k.party, k.proposal_id, h.* FROM jsonb_to_recordset($1::jsonb) AS k(party text, proposal_id text)
       JOIN LATERAL (SELECT h.state, h.occurred_start, h.precision_rank, h.authority, h.reported_at, h.partition, h."offset", h.event_id
                       FROM position_history_v1 h WHERE h.party = k.party AND h.proposal_id = k.proposal_id AND h.state IS NOT NULL
                      ORDER BY ${ORDER_DESC} LIMIT 1) h ON true`,
    [JSON.stringify(pairs.map((p) => ({ party: p.party, proposal_id: p.proposalId })))],
  );
  return new Map(rows.map((r) => [`${r.party}\u0000${r.proposal_id}`, { key: rowKey(r), state: r.state as PositionState }]));
}

/**
 * The pair's own events from the given key on, and its proposal's ConditionResolved events by
 * others; with `until`, only those of valid time up to it. In `schema` (with its dot), or on the
 * caller's search_path.
 */
async function loadInputs(db: Queryable, keys: string, inMemory: Map<string, EventEnvelope>, until: Date | null = null, schema = ''): Promise<Map<string, PairInput[]>> {
  // The batch's own events are in memory: their envelopes are not read back.
  const skip = [...inMemory.keys()];
  // Per pair, by its keys' indexes (LATERAL): a join over the whole batch's pairs at once was planned
  // as a scan of every position event.
  const { rows } = await db.query(
    `SELECT k.party, k.proposal_id, i.* FROM ${PAIRS}
     CROSS JOIN LATERAL (
     SELECT true AS own, m.speaker, m.occurred_start, m.precision_rank, m.authority, m.reported_at, m.partition, m."offset",
            m.event_id, e.type, CASE WHEN e.event_id = ANY($2::uuid[]) THEN NULL ELSE ${effectiveOf('e', 'j')} END AS effective, e.recorded_at
       FROM ${schema}position_events_v1 m
       JOIN ${schema}events_v1 e ON e.event_id = m.event_id
       ${journalOf('e', 'j')}
      WHERE m.party = k.party AND m.proposal_id = k.proposal_id AND ${keyOf('m')} >= ${FROM} AND ($3::timestamptz IS NULL OR m.occurred_start <= $3)
     UNION ALL
     SELECT false, NULL, e.occurred_start, e.precision_rank, ${UNKNOWN_AUTHORITY}, coalesce(e.reported_at, 'infinity'), e.partition, e."offset",
            e.event_id, e.type, CASE WHEN e.event_id = ANY($2::uuid[]) THEN NULL ELSE ${effectiveOf('e', 'j')} END, e.recorded_at
       FROM ${schema}events_v1 e
       ${journalOf('e', 'j')}
      WHERE e.proposal_id = k.proposal_id AND e.type = 'ConditionResolved' AND e.counts
        AND (e.occurred_start, e.precision_rank, ${UNKNOWN_AUTHORITY}, coalesce(e.reported_at, 'infinity'), e.partition, e."offset", e.event_id) >= ${FROM}
        AND ($3::timestamptz IS NULL OR e.occurred_start <= $3)
        AND NOT EXISTS (SELECT 1 FROM ${schema}position_events_v1 m WHERE m.party = k.party AND m.proposal_id = k.proposal_id AND m.event_id = e.event_id)) i`,
    [keys, skip, until],
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
    since_precision: s.sincePrecision,
    since_start: s.sinceStart === null ? null : isoInstant(s.sinceStart),
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
  await write(
    client,
    `INSERT INTO party_positions_v1 (party, proposal_id, category, score, version, open_conditions, conditions, contested, basis_event_id,
            since_value, since_precision, since_start, policy_version)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(party text, proposal_id text, category text, score numeric, version int, open_conditions int,
            conditions jsonb, contested boolean, basis_event_id uuid, since_value text, since_precision text, since_start timestamptz, policy_version int)
     ON CONFLICT (party, proposal_id) DO UPDATE SET category = excluded.category, score = excluded.score, version = excluded.version,
            open_conditions = excluded.open_conditions, conditions = excluded.conditions, contested = excluded.contested,
            basis_event_id = excluded.basis_event_id, since_value = excluded.since_value, since_precision = excluded.since_precision, since_start = excluded.since_start,
            policy_version = excluded.policy_version`,
    [JSON.stringify(rows)],
  );
}
