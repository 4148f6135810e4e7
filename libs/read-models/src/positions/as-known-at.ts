import { Pool } from 'pg';
import { effectiveCodes, EventEnvelope } from '@ledger/contracts';
import { effectiveEnvelope, Modifier } from '../facts/effective';
import { ResolvedFact } from '../facts/fact';
import { RollupContext } from '../rollup/rollup';
import { RegistryFact, registryRows, rollupContextOf } from '../registry/registry.fold';
import { namedActors, resolveVoices } from '../voices/event-voices';
import { compareOrder, OrderKey } from './fold-order';
import { foldPosition, INITIAL_STATE, PositionState } from './positions.fold';
import { FOLD_TYPES, memberships, orderKeyOf, partyVoices, TONAL_TYPES } from './position-membership';
import type { EventRow } from '../known-at/log-fold';

/** One folded event and the state after it. */
export interface FoldedStep {
  key: OrderKey;
  fact: ResolvedFact;
  state: PositionState;
  changed: boolean;
}

/** A tonal event of the party about the proposal, as known at the record time asked. */
export interface KnownTone {
  occurredStart: number;
  goldstein: number;
}

/** A journal record as read here (LogFold's EventRow before its target is taken from the data). */
type Row = Omit<EventRow, 'target_event_id'>;

/**
 * What the ledger said about (party, proposal) at record time `knownAt`: only events, corrections,
 * retractions and registry facts recorded by then, resolved and folded with the same pure functions
 * as the projection. The materialised tables answer "now"; this answers any past moment.
 */
export async function foldAsKnownAt(pool: Pool, party: string, proposalId: string, knownAt: Date): Promise<{ steps: FoldedStep[]; tones: KnownTone[] }> {
  const { rows } = await pool.query<Row>(
    // About the proposal as recorded (the journal's index), or now, after a correction (events_v1's).
    `SELECT j.event_id, j.type, j.partition, j."offset", j.recorded_at, j.envelope FROM ledger.journal j
      WHERE j.disposition = 'applied' AND j.envelope->>'proposalId' = $1 AND j.recorded_at <= $2 AND j.type = ANY($3::text[])
     UNION
     SELECT j.event_id, j.type, j.partition, j."offset", j.recorded_at, j.envelope FROM read_model.events_v1 e
       JOIN ledger.journal j ON j.partition = e.partition AND j."offset" = e."offset"
      WHERE e.proposal_id = $1 AND e.recorded_at <= $2 AND e.type = ANY($3::text[])`,
    [proposalId, knownAt, [...FOLD_TYPES, ...TONAL_TYPES]],
  );
  const modifiers = await modifiersAt(
    pool,
    rows.map((r) => r.event_id),
    knownAt,
  );
  const facts = rows
    .map((r) => ({ r, effective: effectiveEnvelope(r.envelope, modifiers.get(r.event_id) ?? []) }))
    .filter((x): x is { r: Row; effective: EventEnvelope } => x.effective !== null && x.effective.proposalId === proposalId);
  const ctx = await registryAt(
    pool,
    facts.flatMap((f) => namedActors(f.effective)),
    knownAt,
  );
  const resolved: ResolvedFact[] = facts.map(({ r, effective }) => ({
    eventId: r.event_id,
    type: r.type,
    partition: r.partition,
    offset: String(r.offset),
    recordedAt: r.recorded_at.toISOString(),
    envelope: r.envelope,
    effective,
    previous: null,
    voices: resolveVoices(effective, ctx),
  }));

  const inputs: { key: OrderKey; fact: ResolvedFact; own: boolean; speaker: string | null }[] = [];
  for (const fact of resolved) {
    const mine = memberships(fact).find((m) => m.party === party);
    if (mine) inputs.push({ key: mine, fact, own: true, speaker: mine.speaker });
    else if (fact.type === 'ConditionResolved') inputs.push({ key: orderKeyOf(fact.effective!, fact.partition, fact.offset, null), fact, own: false, speaker: null });
  }
  inputs.sort((a, b) => compareOrder(a.key, b.key));
  const steps: FoldedStep[] = [];
  let state = INITIAL_STATE;
  for (const input of inputs) {
    const e = input.fact.effective!;
    const next = foldPosition(state, {
      eventId: e.eventId,
      type: e.type,
      occurredStart: input.key.occurredStart,
      occurredValue: e.occurredAt.value,
      occurredPrecision: e.occurredAt.precision,
      authority: input.key.authority,
      speaker: input.speaker ?? e.eventId,
      own: input.own,
      modality: e.modality,
      data: e.data as Record<string, any>,
    });
    steps.push({ key: input.key, fact: input.fact, state: next, changed: JSON.stringify(visible(state)) !== JSON.stringify(visible(next)) });
    state = next;
  }
  const tones = resolved.flatMap((f) => {
    const e = f.effective!;
    if (!TONAL_TYPES.has(e.type) || e.modality?.negated || e.modality?.hypothetical) return [];
    if (!partyVoices(f, 'actor').some((v) => v.principal === party)) return [];
    const goldstein = effectiveCodes(e)?.goldstein;
    return goldstein === undefined ? [] : [{ occurredStart: orderKeyOf(e, 0, '0', null).occurredStart, goldstein }];
  });
  return { steps, tones };
}

function visible(s: PositionState) {
  return [s.category, s.conditions, s.contested, s.version];
}

/** Corrections, retractions and citations recorded by `knownAt`, minus those retracted by then. */
async function modifiersAt(pool: Pool, targets: string[], knownAt: Date): Promise<Map<string, Modifier[]>> {
  if (!targets.length) return new Map();
  const { rows } = await pool.query(
    `SELECT m.event_id, m.type, m.recorded_at, m.partition, m."offset", mj.envelope->'data' AS data, m.target_event_id
       FROM read_model.events_v1 m
       JOIN ledger.journal mj ON mj.partition = m.partition AND mj."offset" = m."offset"
      WHERE m.target_event_id = ANY($1::uuid[]) AND m.recorded_at <= $2
        AND NOT EXISTS (SELECT 1 FROM read_model.events_v1 r WHERE r.target_event_id = m.event_id AND r.type = 'EventRetracted' AND r.recorded_at <= $2)`,
    [targets, knownAt],
  );
  const out = new Map<string, Modifier[]>();
  for (const r of rows) {
    const list = out.get(r.target_event_id) ?? [];
    list.push({ eventId: r.event_id, type: r.type, recordedAt: (r.recorded_at as Date).getTime(), partition: r.partition, offset: String(r.offset), data: r.data });
    out.set(r.target_event_id, list);
  }
  return out;
}

/**
 * The registry as recorded by `knownAt`: the registry facts about the named actors, followed level
 * by level (a spokesperson's principal, an organ's state), in their effective form as known then,
 * ruled on by registry.fold — the rules the projector and replays apply, so a knownAt answer after
 * the last record equals the live one.
 */
async function registryAt(pool: Pool, ids: string[], knownAt: Date): Promise<RollupContext> {
  const facts: RegistryFact[] = [];
  const seen = new Set<string>();
  let frontier = [...new Set(ids)];
  for (let depth = 0; frontier.length && depth < 7; depth++) {
    frontier.forEach((id) => seen.add(id));
    const { rows } = await pool.query<Row>(
      `SELECT event_id, type, partition, "offset"::text AS "offset", recorded_at, envelope FROM ledger.journal
        WHERE disposition = 'applied' AND recorded_at <= $2 AND ((type = 'ActorRegistered' AND envelope->'data'->>'id' = ANY($1::text[]))
           OR (type IN ('AffiliationAsserted', 'AffiliationEnded') AND envelope->'data'->>'person' = ANY($1::text[])))`,
      [frontier, knownAt],
    );
    const modifiers = await modifiersAt(
      pool,
      rows.map((r) => r.event_id),
      knownAt,
    );
    const next = new Set<string>();
    for (const r of rows) {
      const effective = effectiveEnvelope(r.envelope, modifiers.get(r.event_id) ?? []);
      if (!effective) continue;
      facts.push({ eventId: r.event_id, type: r.type, partition: r.partition, offset: String(r.offset), effective });
      const d = effective.data as Record<string, unknown>;
      if (r.type === 'ActorRegistered') [d.principal, ...((d.members as unknown[]) ?? [])].forEach((x) => typeof x === 'string' && next.add(x));
      else if (r.type === 'AffiliationAsserted' && typeof d.of === 'string') next.add(d.of);
    }
    frontier = [...next].filter((id) => !seen.has(id));
  }
  const { actors, affiliations } = registryRows(facts);
  return rollupContextOf(actors, affiliations);
}
