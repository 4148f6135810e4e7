import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';

/** How far the signed text goes: a memorandum of intent, a framework, an interim step, or the final agreement. */
export const AGREEMENT_STAGES = ['memorandum', 'framework', 'interim', 'final'] as const;
export type AgreementStage = (typeof AGREEMENT_STAGES)[number];

/** Parties sign an agreement. */
export class AgreementSignedData {
  /** Stable id of the agreement across its stages (`us-ukr-minerals-2025`). */
  @IsId() agreementId: string;
  @IsIn(AGREEMENT_STAGES) stage: AgreementStage;
  /** Who signed: actor ids, at least two. */
  @IsArray() @ArrayMinSize(2) @ArrayMaxSize(50) @IsId({ each: true }) signatories: string[];
}

/** A signed agreement (CAMEO 057); with a `proposalId`, each signatory's position becomes ACCEPTED. */
export type AgreementSigned = EventEnvelope<'AgreementSigned', AgreementSignedData>;

export const AgreementSignedEvent = defineEvent<AgreementSignedData>({
  type: 'AgreementSigned',
  schemaVersion: 1,
  upcasters: {},
  description: "Parties sign an agreement at a stage; with a proposalId, the signatories' positions become ACCEPTED.",
  dataClass: AgreementSignedData,
  requiresProposal: false,
  defaultCodeRules: [{ cameo: '057' }],
  example: {
    eventId: '3d205771-1430-42c5-9ce5-03135400c265',
    type: 'AgreementSigned',
    schemaVersion: 1,
    occurredAt: { value: '2025-04-30', precision: 'day' },
    actors: [{ actorId: 'USA' }, { actorId: 'UKR' }],
    // Each signatory toward the other: the dyads count it both ways.
    recipients: [{ actorId: 'UKR' }, { actorId: 'USA' }],
    data: { agreementId: 'us-ukr-minerals-2025', stage: 'final', signatories: ['USA', 'UKR'] },
  },
});
