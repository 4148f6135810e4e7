import { Pool } from 'pg';
import { EventEnvelope, occurredStart, PRECISION_RANK } from '@ledger/contracts';
import { dyadCells, dyadContributions } from '../dyads/dyads.fold';
import { effectiveEnvelope, Modifier } from '../facts/effective';
import { isModifier, ResolvedFact } from '../facts/fact';
import { memberships, orderKeyOf } from '../positions/position-membership';
import { foldSteps, PairInput } from '../positions/position-refold';
import { tonalRows } from '../positions/positions.projection';
import { proposalEvent, proposalRows } from '../proposals/proposals.fold';
import { RollupContext } from '../rollup/rollup';
import { ActorRow, AffiliationRow, registryRows, rollupContextOf } from '../registry/registry.fold';
import { statementRow } from '../statements/statements.fold';
import { threatRows } from '../threats/threats.fold';
import { resolveVoices } from '../voices/event-voices';
import { actorsColumn } from '../facts/facts.writer';
import { factColumns } from '../facts/fact-columns';
import { LEDGER_SCHEMA } from '@ledger/ledger-store';
import { keyColumns } from '../positions/fold-order';

export interface EventRow {
  event_id: string;
  type: string;
  partition: number;
  offset: string;
  recorded_at: Date;
  envelope: EventEnvelope;
  target_event_id: string | null;
}

/** The read-model tables a knownAt query can stand in for, by their live names. */
export type KnownTable =
  | 'events_v1'
  | 'statements_v1'
  | 'threats_v1'
  | 'proposals_v1'
  | 'party_positions_v1'
  | 'position_history_v1'
  | 'tonal_events_v1'
  | 'actors_v1'
  | 'affiliations_v1'
  | 'position_events_v1'
  | 'dyads_v1';

/** The order a bulk build derives the tables in: the positions' history before their current rows (one fold). */
export const DERIVE_ORDER: KnownTable[] = [
  'actors_v1',
  'affiliations_v1',
  'events_v1',
  'statements_v1',
  'tonal_events_v1',
  'position_events_v1',
  'position_history_v1',
  'party_positions_v1',
  'proposals_v1',
  'threats_v1',
  'dyads_v1',
];

/** Modifiers of modifiers settle by this depth, as in the live fold. */
const MAX_DEPTH = 4;

/**
 * The read models as they stood when the ledger had recorded only what it had by `at`: the events
 * recorded by then, their corrections, retractions and citations recorded by then, the registry as
 * recorded by then, and every table derived from them with the projections' own row functions. A
 * knownAt query runs the live query's SQL over these rows instead of the live tables, so its answer
 * is the live answer of a ledger that stopped at `at`. Built per request, in memory, read-only.
 */
export class KnownAt {
  private readonly facts: ResolvedFact[];
  private readonly effective = new Map<string, EventEnvelope | null>();
  private readonly registry: { actors: ActorRow[]; affiliations: AffiliationRow[]; ctx: RollupContext };
  private readonly cache = new Map<KnownTable, unknown[]>();
  /** The current rows of the positions, kept by a history fold that ran to its end until asked for. */
  private current?: unknown[];

  constructor(
    readonly at: Date,
    private readonly rows: EventRow[],
  ) {
    const targeting = new Map<string, EventRow[]>();
    for (const r of rows) if (r.target_event_id) targeting.set(r.target_event_id, [...(targeting.get(r.target_event_id) ?? []), r]);
    const counts = (m: EventRow, depth: number): boolean =>
      depth >= MAX_DEPTH || !(targeting.get(m.event_id) ?? []).some((r) => r.type === 'EventRetracted' && counts(r, depth + 1));
    for (const r of rows) {
      if (isModifier(r.type)) this.effective.set(r.event_id, counts(r, 0) ? r.envelope : null);
      else this.effective.set(r.event_id, effectiveEnvelope(r.envelope, (targeting.get(r.event_id) ?? []).filter((m) => counts(m, 0)).map(modifier)));
    }
    const registry = registryRows(
      rows.flatMap((r) => {
        const effective = this.effective.get(r.event_id);
        return isModifier(r.type) || !effective ? [] : [{ eventId: r.event_id, type: r.type, partition: r.partition, offset: r.offset, effective }];
      }),
    );
    this.registry = { ...registry, ctx: rollupContextOf(registry.actors, registry.affiliations) };
    this.facts = rows.flatMap((r) => {
      const e = this.effective.get(r.event_id);
      if (isModifier(r.type) || !e) return [];
      const fact: ResolvedFact = {
        eventId: r.event_id,
        type: r.type,
        partition: r.partition,
        offset: r.offset,
        recordedAt: r.recorded_at.toISOString(),
        envelope: r.envelope,
        effective: e,
        previous: null,
        voices: resolveVoices(e, this.registry.ctx),
      };
      return [fact];
    });
  }

  /** The rows `table` would hold had the ledger stopped at `at` (jsonb_populate_recordset input). */
  table(table: KnownTable): unknown[] {
    if (!this.cache.has(table)) this.cache.set(table, [...this.derive(table)]);
    return this.cache.get(table)!;
  }

  /**
   * The rows of `table`, derived as they are read and not kept: a replay writes each table once, and
   * the tables of one row per event (or per step) are generators whose rows die young. Folding the
   * positions' history also answers their current rows: ask for position_history_v1 before
   * party_positions_v1 (DERIVE_ORDER) and the pairs are folded once.
   */
  derive(table: KnownTable): Iterable<unknown> {
    switch (table) {
      case 'position_events_v1':
        return this.positionEvents();
      case 'dyads_v1':
        return dyadCells(this.facts.flatMap(dyadContributions));
      case 'events_v1':
        return this.events();
      case 'statements_v1':
        return this.statements();
      case 'threats_v1':
        return threatRows(this.facts);
      case 'proposals_v1':
        return proposalRows(this.facts.filter((f) => f.type === 'ProposalMade' || f.type === 'ProposalAmended').map(proposalEvent));
      case 'tonal_events_v1':
        return this.tones();
      case 'actors_v1':
        return this.registry.actors;
      case 'affiliations_v1':
        return this.registry.affiliations;
      case 'position_history_v1':
        return this.foldPositions();
      case 'party_positions_v1': {
        if (!this.current) for (const _ of this.foldPositions());
        const current = this.current!;
        this.current = undefined;
        return current;
      }
    }
  }

  private *events(): Generator<unknown> {
    const voices = new Map(this.facts.map((f) => [f.eventId, f.voices]));
    for (const r of this.rows) {
      const effective = this.effective.get(r.event_id) ?? null;
      yield { ...eventRow(r, effective), actors: actorsColumn(r.type, effective), voices: voices.get(r.event_id) ?? null };
    }
  }

  private *statements(): Generator<unknown> {
    for (const f of this.facts) if (f.type === 'StatementMade') yield statementRow(f);
  }

  private *tones(): Generator<unknown> {
    for (const f of this.facts) yield* tonalRows(f);
  }

  private *positionEvents(): Generator<unknown> {
    for (const f of this.facts) {
      for (const m of memberships(f)) yield { ...keyColumns(m), party: m.party, proposal_id: m.proposalId, event_type: m.eventType, speaker: m.speaker };
    }
  }

  /**
   * Every (party, proposal) with events of the party's own, folded from scratch with the projection's
   * fold: yields the history steps pair by pair, and keeps the current rows once every pair is done.
   */
  private *foldPositions(): Generator<unknown> {
    const own = new Map<string, { pair: { party: string; proposalId: string }; inputs: PairInput[] }>();
    const resolutions = new Map<string, ResolvedFact[]>();
    for (const fact of this.facts) {
      for (const m of memberships(fact)) {
        const id = `${m.party}\u0000${m.proposalId}`;
        const entry = own.get(id) ?? { pair: { party: m.party, proposalId: m.proposalId }, inputs: [] };
        entry.inputs.push({ ...m, own: true, speaker: m.speaker, type: fact.type, effective: fact.effective, recordedAt: fact.recordedAt });
        own.set(id, entry);
      }
      if (fact.type === 'ConditionResolved' && fact.effective!.proposalId) {
        resolutions.set(fact.effective!.proposalId, [...(resolutions.get(fact.effective!.proposalId) ?? []), fact]);
      }
    }
    const current: unknown[] = [];
    for (const { pair, inputs } of own.values()) {
      const mine = new Set(inputs.map((i) => i.eventId));
      for (const f of resolutions.get(pair.proposalId) ?? []) {
        const key = orderKeyOf(f.effective!, f.partition, f.offset, null);
        if (!mine.has(key.eventId)) inputs.push({ ...key, own: false, speaker: null, type: f.type, effective: f.effective, recordedAt: f.recordedAt });
      }
      const folded = foldSteps(pair, inputs);
      yield* folded.history;
      current.push(folded.current);
    }
    this.current = current;
  }

  /** How many events (modifiers included) this fold holds. */
  get size(): number {
    return this.rows.length;
  }
}

/** Reads the events the ledger had recorded by `at`: the journal's applied records with their record time. */
export async function loadKnownAt(pool: Pool, at: Date): Promise<KnownAt> {
  const { rows } = await pool.query<Omit<EventRow, 'target_event_id'>>(
    `SELECT event_id, type, partition, "offset"::text AS "offset", recorded_at, envelope FROM ${LEDGER_SCHEMA}.journal
      WHERE disposition = 'applied' AND recorded_at <= $1 ORDER BY partition, "offset"`,
    [at],
  );
  return new KnownAt(at, rows.map(knownRow));
}

/** A journal record as the fold reads it: a modifier's target taken from its data. */
export function knownRow(r: Omit<EventRow, 'target_event_id'>): EventRow {
  const target = isModifier(r.type) ? (r.envelope.data as { targetEventId?: unknown }).targetEventId : null;
  return { ...r, target_event_id: typeof target === 'string' ? target.toLowerCase() : null };
}

/**
 * A read-model table in a query's FROM: the live table, or — for a knownAt query — the same rows
 * derived as of then, handed over as one JSON parameter appended to `params`. Give it an alias.
 */
export function tableRef(table: KnownTable, params: unknown[], known: KnownAt | null | undefined): string {
  if (!known) return `read_model.${table}`;
  params.push(JSON.stringify(known.table(table)));
  const rows = `jsonb_populate_recordset(NULL::read_model.${table}, $${params.length}::jsonb)`;
  if (table !== 'statements_v1') return `(SELECT * FROM ${rows})`;
  // The generated search column is not populated from JSON: derive it as the table does.
  return `(SELECT s.event_id, s.occurred_value, s.occurred_precision, s.occurred_start, s.recorded_at, s.partition, s."offset", s.actors, s.parties,
                  s.proposal_id, s.text, s.tone, s.topics, s.cameo, s.goldstein, s.quote, s.citations,
                  to_tsvector('english', s.text || ' ' || coalesce(s.quote, '')) AS search
             FROM ${rows} s)`;
}

function modifier(m: EventRow): Modifier {
  return { eventId: m.event_id, type: m.type as Modifier['type'], recordedAt: m.recorded_at.getTime(), partition: m.partition, offset: m.offset, data: m.envelope.data as any };
}

function eventRow(r: EventRow, effective: EventEnvelope | null) {
  const e = effective ?? r.envelope;
  return {
    event_id: r.event_id,
    type: r.type,
    partition: r.partition,
    offset: r.offset,
    recorded_at: r.recorded_at.toISOString(),
    ...factColumns(r.type, r.envelope, effective),
    target_event_id: r.target_event_id,
    occurred_start: new Date(occurredStart(e.occurredAt) ?? 0).toISOString(),
    precision_rank: PRECISION_RANK[e.occurredAt.precision],
    reported_at: e.reportedAt ?? null,
    proposal_id: e.proposalId ?? null,
  };
}
