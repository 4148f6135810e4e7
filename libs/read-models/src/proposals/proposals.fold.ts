import { isoInstant } from '@ledger/contracts';
import { ResolvedFact } from '../facts/fact';
import { compareOrder } from '../positions/fold-order';
import { orderKeyOf } from '../positions/position-membership';

/** A ProposalMade or ProposalAmended as the proposals fold reads it (effective form, proposer principal). */
export interface ProposalEventRow {
  event_id: string;
  type: string;
  partition: number;
  offset: string;
  effective: any;
  proposer: string | null;
}

/** The proposals_v1 rows of these events, one per proposal that has a ProposalMade. Pure. */
export function proposalRows(rows: ProposalEventRow[]) {
  const byProposal = new Map<string, typeof rows>();
  for (const r of rows) byProposal.set(r.effective.proposalId, [...(byProposal.get(r.effective.proposalId) ?? []), r]);
  const out = [];
  for (const [id, events] of byProposal) {
    events.sort((a, b) => compareOrder(orderKeyOf(a.effective, a.partition, a.offset, null), orderKeyOf(b.effective, b.partition, b.offset, null)));
    const made = events.find((e) => e.type === 'ProposalMade');
    if (!made) continue; // amendments of a proposal not seen yet wait for it
    const p = made.effective.data.proposal;
    const versions = events.map((e) =>
      e.type === 'ProposalMade'
        ? { version: e.effective.data.version, eventId: e.event_id, occurredAt: e.effective.occurredAt, terms: e.effective.data.proposal.terms ?? [] }
        : { version: e.effective.data.newVersion, eventId: e.event_id, occurredAt: e.effective.occurredAt, termsDelta: e.effective.data.termsDelta },
    );
    out.push({
      id,
      title: p.title,
      kind: p.kind,
      terms: p.terms ?? [],
      duration_days: p.durationDays ?? null,
      version: Math.max(...versions.map((v) => v.version)),
      proposer: made.proposer,
      made_event_id: made.event_id,
      made_value: made.effective.occurredAt.value,
      made_start: isoInstant(orderKeyOf(made.effective, 0, '0', null).occurredStart),
      versions,
    });
  }
  return out;
}

/** The projection's proposer: the first actor voice, counted ones first, as its principal (else the actor). */
export function proposalEvent(f: ResolvedFact): ProposalEventRow {
  const first = f.voices.filter((v) => v.role === 'actor').sort((a, b) => Number(b.counted) - Number(a.counted) || a.idx - b.idx)[0];
  return { event_id: f.eventId, type: f.type, partition: f.partition, offset: f.offset, effective: f.effective, proposer: first ? (first.principal ?? first.actorId) : null };
}
