import { PoolClient } from 'pg';
import { CopyColumns, copyRows, write } from '@ledger/postgres';
import { effectiveCodes, isoInstant } from '@ledger/contracts';
import { derivedBefore, FactChange, ResolvedFact } from '../facts/fact';
import { Projection } from '../projection';
import { compareOrder, OrderKey, rowKey } from './fold-order';
import { memberships, orderKeyOf, partyVoices, positionEventRow, TONAL_TYPES } from './position-membership';
import { PairTails } from './pair-tails';
import { refoldPairs } from './position-refold';

type Pair = { party: string; proposalId: string; from: OrderKey };

/**
 * Positions and their history. For each changed event: its old and new (party, proposal)
 * memberships are swapped, and every pair touched is re-folded from its insertion point (the
 * earliest of the event's old and new places in the fold order). A ConditionResolved touches every
 * party with a stance on its proposal: whoever stated the condition sees it closed.
 */
export class PositionsProjection implements Projection {
  readonly name = 'positions_v1';
  /** The state after each pair's last step, as this process wrote it (see PairTails). */
  readonly tails = new PairTails();

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    await this.refreshPairs(client, changes);
  }

  /** Refreshes and answers the (party, proposal) pairs re-folded, for the live stream. */
  async refreshPairs(client: PoolClient, changes: FactChange[]): Promise<{ party: string; proposalId: string }[]> {
    const derived = derivedBefore(changes);
    const pairs = new Map<string, Pair>();
    const touch = (party: string, proposalId: string, from: OrderKey) => {
      const key = `${party}\u0000${proposalId}`;
      const known = pairs.get(key);
      if (!known || compareOrder(from, known.from) < 0) pairs.set(key, { party, proposalId, from });
    };

    if (derived.length) {
      const { rows: old } = await client.query(`DELETE FROM position_events_v1 WHERE event_id = ANY($1::uuid[]) RETURNING *`, [derived]);
      for (const r of old) touch(r.party, r.proposal_id, rowKey(r));
    }
    const fresh = changes.flatMap((c) => (c.after ? memberships(c.after) : []));
    for (const m of fresh) touch(m.party, m.proposalId, m);
    await copyRows(client, 'position_events_v1', POSITION_EVENT_COLUMNS, fresh.map(positionEventRow));
    await this.touchConditionResolutions(client, changes, touch);
    await refreshTonal(client, changes, derived);
    const inMemory = new Map(changes.flatMap((c) => (c.after?.effective ? [[c.eventId.toLowerCase(), c.after.effective] as const] : [])));
    if (pairs.size) await refoldPairs(client, [...pairs.values()], inMemory, this.tails);
    return [...pairs.values()].map(({ party, proposalId }) => ({ party, proposalId }));
  }

  /** Every party with a stance on the proposal of a changed ConditionResolved, from that event on. */
  private async touchConditionResolutions(client: PoolClient, changes: FactChange[], touch: (p: string, q: string, k: OrderKey) => void): Promise<void> {
    const starts = new Map<string, OrderKey>();
    for (const c of changes) {
      if (c.type !== 'ConditionResolved') continue;
      for (const e of [c.previous, c.after?.effective]) {
        if (!e?.proposalId) continue;
        const key = orderKeyOf(e, c.after?.partition ?? 0, c.after?.offset ?? '0', null);
        const known = starts.get(e.proposalId);
        if (!known || compareOrder(key, known) < 0) starts.set(e.proposalId, key);
      }
    }
    if (!starts.size) return;
    const { rows } = await client.query(`SELECT DISTINCT proposal_id, party FROM position_events_v1 WHERE proposal_id = ANY($1::text[])`, [[...starts.keys()]]);
    for (const r of rows) touch(r.party, r.proposal_id, starts.get(r.proposal_id)!);
  }
}

/** Tonal events per (party, proposal): the lean is summed from them at query time, anchored to asOf. */
async function refreshTonal(client: PoolClient, changes: FactChange[], derived: string[]): Promise<void> {
  if (derived.length) await write(client, `DELETE FROM tonal_events_v1 WHERE event_id = ANY($1::uuid[])`, [derived]);
  await copyRows(
    client,
    'tonal_events_v1',
    TONAL_COLUMNS,
    changes.flatMap((c) => (c.after ? tonalRows(c.after) : [])),
  );
}

const POSITION_EVENT_COLUMNS = new CopyColumns({
  party: 'text',
  proposal_id: 'text',
  event_id: 'uuid',
  occurred_start: 'timestamptz',
  precision_rank: 'int2',
  authority: 'int2',
  reported_at: 'timestamptz',
  partition: 'int4',
  offset: 'int8',
  event_type: 'text',
  speaker: 'text',
});

const TONAL_COLUMNS = new CopyColumns({ party: 'text', proposal_id: 'text', event_id: 'uuid', occurred_start: 'timestamptz', goldstein: 'numeric' });

/** The tonal_events_v1 rows of one fact: one per party whose voice it carries, when it is tonal and counts. */
export function tonalRows(fact: ResolvedFact) {
  const e = fact.effective;
  if (!e || !e.proposalId || !TONAL_TYPES.has(e.type) || e.modality?.negated || e.modality?.hypothetical) return [];
  const goldstein = effectiveCodes(e)?.goldstein;
  if (goldstein === undefined) return [];
  const start = orderKeyOf(e, 0, '0', null).occurredStart;
  return partyVoices(fact, 'actor').map((v) => ({
    party: v.principal,
    proposal_id: e.proposalId,
    event_id: e.eventId,
    occurred_start: isoInstant(start),
    goldstein,
  }));
}
