import { CAMEO, CameoQuad } from './cameo';
import { EventDefinition, CodeRule } from './event-definition';
import { ActorRegisteredEvent } from './events/actor-registered';
import { AffiliationAssertedEvent } from './events/affiliation-asserted';
import { AffiliationEndedEvent } from './events/affiliation-ended';
import { StatementMadeEvent } from './events/statement-made';
import { ProposalMadeEvent } from './events/proposal-made';
import { ProposalAmendedEvent } from './events/proposal-amended';
import { ProposalAcceptedEvent } from './events/proposal-accepted';
import { ProposalAcceptedConditionallyEvent } from './events/proposal-accepted-conditionally';
import { ConditionStatedEvent } from './events/condition-stated';
import { ConditionResolvedEvent } from './events/condition-resolved';
import { ProposalRejectedEvent } from './events/proposal-rejected';
import { ProposalConsideredEvent } from './events/proposal-considered';
import { PositionWithdrawnEvent } from './events/position-withdrawn';
import { AppealMadeEvent } from './events/appeal-made';
import { DemandIssuedEvent } from './events/demand-issued';
import { CriticismIssuedEvent } from './events/criticism-issued';
import { AccusationMadeEvent } from './events/accusation-made';
import { SanctionThreatenedEvent } from './events/sanction-threatened';
import { SanctionImposedEvent } from './events/sanction-imposed';
import { SanctionEasedEvent } from './events/sanction-eased';
import { MeetingIntendedEvent } from './events/meeting-intended';
import { MeetingHeldEvent } from './events/meeting-held';
import { NegotiationHeldEvent } from './events/negotiation-held';
import { CeasefireDeclaredEvent } from './events/ceasefire-declared';
import { CeasefireViolationAllegedEvent } from './events/ceasefire-violation-alleged';
import { AgreementSignedEvent } from './events/agreement-signed';
import { EventCorrectedEvent } from './events/event-corrected';
import { EventRetractedEvent } from './events/event-retracted';
import { CitationAddedEvent } from './events/citation-added';
import { catalogSchemas, JsonSchema } from './json-schema';

const DEFINITIONS: readonly EventDefinition<any>[] = [
  ActorRegisteredEvent,
  AffiliationAssertedEvent,
  AffiliationEndedEvent,
  StatementMadeEvent,
  ProposalMadeEvent,
  ProposalAmendedEvent,
  ProposalAcceptedEvent,
  ProposalAcceptedConditionallyEvent,
  ConditionStatedEvent,
  ConditionResolvedEvent,
  ProposalRejectedEvent,
  ProposalConsideredEvent,
  PositionWithdrawnEvent,
  AppealMadeEvent,
  DemandIssuedEvent,
  CriticismIssuedEvent,
  AccusationMadeEvent,
  SanctionThreatenedEvent,
  SanctionImposedEvent,
  SanctionEasedEvent,
  MeetingIntendedEvent,
  MeetingHeldEvent,
  NegotiationHeldEvent,
  CeasefireDeclaredEvent,
  CeasefireViolationAllegedEvent,
  AgreementSignedEvent,
  EventCorrectedEvent,
  EventRetractedEvent,
  CitationAddedEvent,
];

/** Every event type the ledger accepts, by its name. One name end to end (STYLE.md habit 2). */
export const CATALOG: Readonly<Record<string, EventDefinition<any>>> = Object.freeze(Object.fromEntries(DEFINITIONS.map((def) => [def.type, Object.freeze(def)])));

export function findDefinition(type: string): EventDefinition<any> | undefined {
  return Object.prototype.hasOwnProperty.call(CATALOG, type) ? CATALOG[type] : undefined;
}

/** A default code as the catalog shows it: the code, its weight and class, and when it applies. */
export interface CatalogCode {
  cameo: string;
  label: string;
  goldstein: number;
  quad: CameoQuad;
  /** The condition on the data, in words; absent = always. The first matching code applies. */
  when?: string;
}

/** One type as GET /v1/catalog describes it to publishers. */
export interface CatalogEntry {
  type: string;
  schemaVersion: number;
  description: string;
  requiresProposal: boolean;
  /** Alternatives in order; empty when the type is not coded. */
  defaultCodes: CatalogCode[];
  /** Further acts the event implies, each coded on its own (a conditional acceptance demands each condition). */
  impliedCodes?: { per: string; codes: CatalogCode[] };
  dataSchema: JsonSchema;
  example: EventDefinition['example'];
}

let entries: CatalogEntry[] | undefined;

/** The whole catalog as data, in catalog order; built once. */
export function catalogEntries(): CatalogEntry[] {
  if (entries) return entries;
  const schemas = catalogSchemas(DEFINITIONS);
  entries = DEFINITIONS.map((def) => ({
    type: def.type,
    schemaVersion: def.schemaVersion,
    description: def.description,
    requiresProposal: def.requiresProposal,
    defaultCodes: def.defaultCodeRules.map(catalogCode),
    ...(def.implied && { impliedCodes: { per: def.implied.per, codes: def.implied.rules.map(catalogCode) } }),
    dataSchema: schemas[def.type].data,
    example: def.example,
  }));
  return entries;
}

function catalogCode(rule: CodeRule): CatalogCode {
  const { label, goldstein, quad } = CAMEO[rule.cameo];
  return { cameo: rule.cameo, label, goldstein, quad, ...(rule.when && { when: rule.when }) };
}
