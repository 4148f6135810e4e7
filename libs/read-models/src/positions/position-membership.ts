import { EventEnvelope, occurredStart, PRECISION_RANK } from '@ledger/contracts';
import { ResolvedFact, RoleVoice } from '../facts/fact';
import { keyColumns, OrderKey } from './fold-order';

/** Event types that can move a position (everything else is lean or context). */
export const FOLD_TYPES = new Set([
  'ProposalMade',
  'ProposalAccepted',
  'ProposalAcceptedConditionally',
  'ConditionStated',
  'ConditionResolved',
  'ProposalRejected',
  'ProposalConsidered',
  'StatementMade',
  'PositionWithdrawn',
  'CeasefireDeclared',
  'AgreementSigned',
]);

/** Tonal events: their Goldstein values make up the lean, never the category. */
export const TONAL_TYPES = new Set(['StatementMade', 'AppealMade', 'DemandIssued', 'CriticismIssued', 'AccusationMade', 'SanctionThreatened']);

/** One (party, proposal) an event counts for, with its place in the fold order. */
export interface Membership extends OrderKey {
  party: string;
  proposalId: string;
  eventType: string;
  speaker: string;
}

export function orderKeyOf(e: EventEnvelope, partition: number, offset: string, authority: number | null): OrderKey {
  return {
    occurredStart: occurredStart(e.occurredAt) ?? 0,
    precisionRank: PRECISION_RANK[e.occurredAt.precision],
    authority,
    reportedAt: e.reportedAt ? Date.parse(e.reportedAt) : null,
    partition,
    offset,
    eventId: e.eventId.toLowerCase(),
  };
}

/** The parties a fact speaks for, each once, with its most authoritative voice. */
export function partyVoices(fact: ResolvedFact, role: RoleVoice['role']): RoleVoice[] {
  const best = new Map<string, RoleVoice>();
  for (const v of fact.voices) {
    if (v.role !== role || !v.counted || !v.principal) continue;
    const current = best.get(v.principal);
    if (!current || (v.authority ?? 9) < (current.authority ?? 9)) best.set(v.principal, v);
  }
  return [...best.values()];
}

/** Where a fact counts in the position fold: one row per party it speaks for on its proposal. */
export function memberships(fact: ResolvedFact): Membership[] {
  const e = fact.effective;
  if (!e || !e.proposalId || !FOLD_TYPES.has(e.type)) return [];
  if (e.type === 'StatementMade' && (e.data as { tone?: string }).tone !== 'neutral') return [];
  const role = e.type === 'AgreementSigned' && fact.voices.some((v) => v.role === 'signatory') ? 'signatory' : 'actor';
  return partyVoices(fact, role).map((v) => {
    // Written out, not spread: a literal that starts with a spread is built property by property.
    const k = orderKeyOf(e, fact.partition, fact.offset, v.authority);
    return {
      occurredStart: k.occurredStart,
      precisionRank: k.precisionRank,
      authority: k.authority,
      reportedAt: k.reportedAt,
      partition: k.partition,
      offset: k.offset,
      eventId: k.eventId,
      party: v.principal!,
      proposalId: e.proposalId!,
      eventType: e.type,
      speaker: v.person ?? v.actorId,
    };
  });
}

/** A position_events_v1 row of a membership: built on keyColumns' object (a spread in a literal builds it property by property). */
export function positionEventRow(m: Membership) {
  return Object.assign(keyColumns(m), { party: m.party, proposal_id: m.proposalId, event_type: m.eventType, speaker: m.speaker });
}
