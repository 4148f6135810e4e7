import { EventEnvelope, occurredStartText, PRECISION_RANK } from '@ledger/contracts';
import { DyadCells, dyadContributions } from '../dyads/dyads.fold';
import { effectiveEnvelope, Modifier } from '../facts/effective';
import { isModifier, MODIFIER_TYPES, ResolvedFact, RoleVoice } from '../facts/fact';
import { actorsColumn } from '../facts/facts.writer';
import { factColumns } from '../facts/fact-columns';
import { memberships, orderKeyOf, positionEventRow } from '../positions/position-membership';
import { foldSteps, PairInput, STATE_EVERY } from '../positions/position-refold';
import { foldedPart } from '../positions/positions.fold';
import { tonalRows } from '../positions/positions.projection';
import { proposalEvent, ProposalEventRow, proposalRows } from '../proposals/proposals.fold';
import { RollupContext } from '../rollup/rollup';
import { ActorRow, AffiliationRow, registryRows, rollupContextOf } from '../registry/registry.fold';
import { statementRow } from '../statements/statements.fold';
import { threatRows } from '../threats/threats.fold';
import { resolveVoices } from '../voices/event-voices';
import { storedVoices } from '../voices/voices-column';

/** A journal record as the in-memory fold reads it. */
export interface EventRow {
  event_id: string;
  type: string;
  partition: number;
  offset: string;
  recorded_at: Date;
  /** recorded_at in ISO 8601 (Date#toISOString's form), when the reader had it as text: not formatted again. */
  recorded_iso?: string;
  envelope: EventEnvelope;
  target_event_id: string | null;
}

/** The read-model tables the in-memory fold derives, by their live names. */
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

/** The tables of rows derived from one event each: LogFold.add hands them over as it folds. */
export const EVENT_TABLES = ['events_v1', 'statements_v1', 'tonal_events_v1', 'position_events_v1'] as const;
export type EventTable = (typeof EVENT_TABLES)[number];

/** The tables of state over many events: LogFold.state answers them once the whole log is added. */
export const STATE_TABLES = ['actors_v1', 'affiliations_v1', 'position_history_v1', 'party_positions_v1', 'proposals_v1', 'threats_v1', 'dyads_v1'] as const;
export type StateTable = (typeof STATE_TABLES)[number];

/**
 * The types a LogFold must know before the log: the modifiers (they change other events'
 * effective forms, earlier or later in the log), the registry (it resolves every event's voices)
 * and the threats (their triggers decide which acts a threat's row needs).
 */
export const AHEAD_TYPES: readonly string[] = [...MODIFIER_TYPES, 'ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded', 'SanctionThreatened'];

const REGISTRY_TYPES = new Set(['ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded']);

/** Modifiers of modifiers settle by this depth, as in the live fold. */
const MAX_DEPTH = 4;

/**
 * The read models of a log folded in memory with the projections' own row functions, in two
 * passes: the records of AHEAD_TYPES first (few), then every record in log order, as many times
 * as the caller likes (`add`), each event's own rows handed over as it is folded and forgotten
 * after. Only what a table of state needs of an event is kept until the end (the pairs' position
 * inputs, the proposals' events, the threats and the acts their triggers name, the dyad cells), so a
 * replay of millions of events holds a fraction of them. The same fold answers knownAt queries
 * (KnownAt) and builds a replay's tables (the bulk build).
 */
export class LogFold {
  private readonly targeting = new Map<string, EventRow[]>();
  private readonly registry: { actors: ActorRow[]; affiliations: AffiliationRow[]; ctx: RollupContext };
  /** `${eventType}\u001f${party}` of every counted threat's trigger. */
  private readonly triggers = new Set<string>();
  private readonly cells = new DyadCells();
  private readonly pairs = new Map<string, { pair: { party: string; proposalId: string }; inputs: PairInput[] }>();
  private readonly resolutions = new Map<string, PairInput[]>();
  private readonly threatFacts: ResolvedFact[] = [];
  private readonly proposals: ProposalEventRow[] = [];
  /** The current rows of the positions, kept by a history fold that ran to its end until asked for. */
  private current?: unknown[];

  /**
   * @param ahead every record of AHEAD_TYPES the log holds, in log order (others are ignored)
   * @param stateEvery how often a history step stores the full state (foldSteps): the read models'
   *   STATE_EVERY in a bulk build; 1 (every change) for a knownAt query, whose readers take the last
   *   stored state and have no live table to fold the steps after it from.
   */
  constructor(
    ahead: EventRow[],
    private readonly stateEvery = STATE_EVERY,
  ) {
    for (const r of ahead) if (r.target_event_id) push(this.targeting, r.target_event_id, r);
    const registry = registryRows(
      ahead.flatMap((r) => {
        const effective = REGISTRY_TYPES.has(r.type) ? this.effectiveOf(r) : null;
        return effective ? [{ eventId: r.event_id, type: r.type, partition: r.partition, offset: r.offset, effective }] : [];
      }),
    );
    this.registry = { ...registry, ctx: rollupContextOf(registry.actors, registry.affiliations) };
    for (const r of ahead) {
      const e = r.type === 'SanctionThreatened' ? this.effectiveOf(r) : null;
      const party = e && resolveVoices(e, this.registry.ctx).find((v) => v.role === 'trigger')?.principal;
      if (e && party) this.triggers.add(`${(e.data as { trigger?: { eventType?: string } }).trigger?.eventType}\u001f${party}`);
    }
  }

  /** The event ids the records ahead modify (corrections, retractions, citations): their effective forms need the whole envelope. */
  targets(): string[] {
    return [...this.targeting.keys()];
  }

  /** Folds `rows` (the next records of the log, every type), handing each event's own rows to `emit`. */
  add(rows: Iterable<EventRow>, emit: (table: EventTable, row: Record<string, unknown>) => void): void {
    for (const r of rows) this.addRecord(r, emit);
  }

  /** Folds the next record of the log (add, one at a time: a caller that makes each record as it goes needs no generator). */
  addRecord(r: EventRow, emit: (table: EventTable, row: Record<string, unknown>) => void): void {
    const effective = this.effectiveOf(r);
    const recordedAt = r.recorded_iso ?? r.recorded_at.toISOString();
    let voices: RoleVoice[] | null = null;
    if (effective && !isModifier(r.type)) {
      const fact = factOf(r, effective, this.registry.ctx, recordedAt);
      voices = fact.voices;
      this.take(fact, emit);
    }
    emit('events_v1', eventRow(r, effective, voices, recordedAt));
  }

  /**
   * The rows of a table of state over everything added. The positions' history also answers their
   * current rows: ask for position_history_v1 before party_positions_v1 (STATE_TABLES' order) and
   * the pairs are folded once; the history is a generator whose rows die young.
   */
  state(table: StateTable): Iterable<Record<string, unknown>> {
    switch (table) {
      case 'actors_v1':
        return this.registry.actors as unknown as Record<string, unknown>[];
      case 'affiliations_v1':
        return this.registry.affiliations as unknown as Record<string, unknown>[];
      case 'position_history_v1':
        return this.foldPositions();
      case 'party_positions_v1': {
        if (!this.current) for (const _ of this.foldPositions());
        const current = this.current!;
        this.current = undefined;
        return current as Record<string, unknown>[];
      }
      case 'proposals_v1':
        return proposalRows(this.proposals);
      case 'threats_v1':
        return threatRows(this.threatFacts);
      case 'dyads_v1':
        return this.cells.rows();
    }
  }

  /** An event's own rows, and what the tables of state keep of it. */
  private take(fact: ResolvedFact, emit: (table: EventTable, row: Record<string, unknown>) => void): void {
    const e = fact.effective!;
    if (fact.type === 'StatementMade') emit('statements_v1', statementRow(fact));
    for (const t of tonalRows(fact)) emit('tonal_events_v1', t);
    const own = memberships(fact);
    const folded = own.length ? foldedPart(e) : null;
    for (const m of own) {
      emit('position_events_v1', positionEventRow(m));
      const id = `${m.party}\u0000${m.proposalId}`;
      let entry = this.pairs.get(id);
      if (!entry) this.pairs.set(id, (entry = { pair: { party: m.party, proposalId: m.proposalId }, inputs: [] }));
      entry.inputs.push({
        occurredStart: m.occurredStart,
        precisionRank: m.precisionRank,
        authority: m.authority,
        reportedAt: m.reportedAt,
        partition: m.partition,
        offset: m.offset,
        eventId: m.eventId,
        own: true,
        speaker: m.speaker,
        type: fact.type,
        effective: folded,
        recordedAt: fact.recordedAt,
      });
    }
    if (fact.type === 'ConditionResolved' && e.proposalId) {
      const key = orderKeyOf(e, fact.partition, fact.offset, null);
      push(this.resolutions, e.proposalId, { ...key, own: false, speaker: null, type: fact.type, effective: foldedPart(e), recordedAt: fact.recordedAt });
    }
    for (const c of dyadContributions(fact)) this.cells.add(c);
    if (fact.type === 'ProposalMade' || fact.type === 'ProposalAmended') this.proposals.push(proposalEvent(fact));
    if (this.threatNeeds(fact)) this.threatFacts.push(fact);
  }

  /** What threatRows reads: the threats, the sanctions that fulfil one, and the acts a threat's trigger names. */
  private threatNeeds(f: ResolvedFact): boolean {
    if (f.type === 'SanctionThreatened') return true;
    const e = f.effective!;
    if (f.type === 'SanctionImposed' && typeof (e.data as Record<string, unknown>).fulfilsThreat === 'string') return true;
    if (e.modality?.negated || !this.triggers.size) return false;
    return f.voices.some((v) => v.role === 'actor' && v.counted && v.principal && this.triggers.has(`${f.type}\u001f${v.principal}`));
  }

  /**
   * Every (party, proposal) with events of the party's own, folded from scratch with the projection's
   * fold: yields the history steps pair by pair, and keeps the current rows once every pair is done.
   */
  private *foldPositions(): Generator<Record<string, unknown>> {
    const current: unknown[] = [];
    for (const { pair, inputs } of this.pairs.values()) {
      const mine = new Set(inputs.map((i) => i.eventId));
      const all = [...inputs];
      for (const r of this.resolutions.get(pair.proposalId) ?? []) if (!mine.has(r.eventId)) all.push(r);
      const folded = foldSteps(pair, all, null, { every: this.stateEvery });
      yield* folded.history as unknown as Record<string, unknown>[];
      current.push(folded.current);
    }
    this.current = current;
  }

  /** The effective form of a record as of everything ahead: null when it (or, for a modifier, it itself) is retracted. */
  private effectiveOf(r: EventRow): EventEnvelope | null {
    if (isModifier(r.type)) return this.counts(r, 0) ? r.envelope : null;
    const modifiers = this.targeting.get(r.event_id);
    if (!modifiers) return r.envelope;
    return effectiveEnvelope(r.envelope, modifiers.filter((m) => this.counts(m, 0)).map(modifier));
  }

  private counts(m: EventRow, depth: number): boolean {
    return depth >= MAX_DEPTH || !(this.targeting.get(m.event_id) ?? []).some((r) => r.type === 'EventRetracted' && this.counts(r, depth + 1));
  }
}

/**
 * A journal record as the fold reads it: a modifier's target taken from its data. Its properties
 * written out: a spread into a literal builds it property by property, once per record of a replay.
 */
export function knownRow(r: Omit<EventRow, 'target_event_id'>): EventRow {
  const target = isModifier(r.type) ? (r.envelope.data as { targetEventId?: unknown }).targetEventId : null;
  return {
    event_id: r.event_id,
    type: r.type,
    partition: r.partition,
    offset: r.offset,
    recorded_at: r.recorded_at,
    recorded_iso: r.recorded_iso,
    envelope: r.envelope,
    target_event_id: typeof target === 'string' ? target.toLowerCase() : null,
  };
}

/**
 * A record that counts, as the folds read it: its effective form and its voices resolved against
 * `ctx`. `recordedAt`: the record time in ISO 8601, when the caller has it already.
 */
export function factOf(r: EventRow, effective: EventEnvelope, ctx: RollupContext, recordedAt = r.recorded_at.toISOString()): ResolvedFact {
  return {
    eventId: r.event_id,
    type: r.type,
    partition: r.partition,
    offset: r.offset,
    recordedAt,
    envelope: r.envelope,
    effective,
    previous: null,
    voices: resolveVoices(effective, ctx),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function modifier(m: EventRow): Modifier {
  return { eventId: m.event_id, type: m.type as Modifier['type'], recordedAt: m.recorded_at.getTime(), partition: m.partition, offset: m.offset, data: m.envelope.data as any };
}

/** An events_v1 row, its properties written out (a spread in a literal builds it property by property). */
function eventRow(r: EventRow, effective: EventEnvelope | null, voices: RoleVoice[] | null, recordedAt: string) {
  const e = effective ?? r.envelope;
  const f = factColumns(r.type, r.envelope, effective);
  return {
    event_id: r.event_id,
    type: r.type,
    partition: r.partition,
    offset: r.offset,
    recorded_at: recordedAt,
    counts: f.counts,
    revised: f.revised,
    subject: f.subject,
    target_event_id: r.target_event_id,
    occurred_start: occurredStartText(e.occurredAt),
    precision_rank: PRECISION_RANK[e.occurredAt.precision],
    reported_at: e.reportedAt ?? null,
    proposal_id: e.proposalId ?? null,
    actors: actorsColumn(r.type, effective),
    voices: storedVoices(voices),
  };
}
