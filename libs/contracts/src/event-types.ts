/**
 * Every type name of the v1 catalog (DOMAIN.md §3), as data. Contracts that name another event type
 * (a sanction threat's trigger) validate against it without importing the catalog; a test keeps it
 * equal to the catalog's keys.
 */
export const EVENT_TYPES = [
  'ActorRegistered',
  'AffiliationAsserted',
  'AffiliationEnded',
  'StatementMade',
  'ProposalMade',
  'ProposalAmended',
  'ProposalAccepted',
  'ProposalAcceptedConditionally',
  'ConditionStated',
  'ConditionResolved',
  'ProposalRejected',
  'ProposalConsidered',
  'PositionWithdrawn',
  'AppealMade',
  'DemandIssued',
  'CriticismIssued',
  'AccusationMade',
  'SanctionThreatened',
  'SanctionImposed',
  'SanctionEased',
  'MeetingIntended',
  'MeetingHeld',
  'NegotiationHeld',
  'CeasefireDeclared',
  'CeasefireViolationAlleged',
  'AgreementSigned',
  'EventCorrected',
  'EventRetracted',
  'CitationAdded',
] as const;

/** A catalog type name: the envelope's `type`, the TypeScript type name and the fold's case label. */
export type EventType = (typeof EVENT_TYPES)[number];
