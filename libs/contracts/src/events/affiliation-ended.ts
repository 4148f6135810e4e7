import { IsIn } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';
import { IsCalendarDate } from '../validators';
import { AFFILIATION_ROLES, AffiliationRole } from './affiliation-asserted';

/** A role ends: the (person, of, role) triple names the affiliation it closes. */
export class AffiliationEndedData {
  @IsId() person: string;
  @IsId() of: string;
  @IsIn(AFFILIATION_ROLES) role: AffiliationRole;
  /** Last day the role held; from the next day the person no longer speaks in it. */
  @IsCalendarDate() validTo: string;
}

/** A person leaves a role; acts after `validTo` no longer roll up through it. */
export type AffiliationEnded = EventEnvelope<'AffiliationEnded', AffiliationEndedData>;

export const AffiliationEndedEvent = defineEvent<AffiliationEndedData>({
  type: 'AffiliationEnded',
  schemaVersion: 1,
  upcasters: {},
  description: 'A person leaves a role on validTo; later acts no longer roll up through it. Not coded.',
  dataClass: AffiliationEndedData,
  requiresProposal: false,
  defaultCodeRules: [],
  example: {
    eventId: 'f4a23d8d-9827-4149-bb66-78d5f89ebc66',
    type: 'AffiliationEnded',
    schemaVersion: 1,
    occurredAt: { value: '2021-01-20', precision: 'day' },
    actors: [{ actorId: 'trump' }],
    data: { person: 'trump', of: 'USA', role: 'head_of_state', validTo: '2021-01-20' },
  },
});
