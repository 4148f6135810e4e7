import { IsIn, IsOptional } from 'class-validator';
import { EventEnvelope } from '../envelope';
import { IsId } from '../envelope.dto';
import { defineEvent } from '../event-definition';
import { IsCalendarDate, IsNotBefore } from '../validators';

export const AFFILIATION_ROLES = [
  'head_of_state',
  'head_of_government',
  'foreign_minister',
  'spokesperson',
  'special_envoy',
  'chief_negotiator',
  'delegation_head',
  'official',
  'legislator',
  'opposition',
  'former_official',
  'member',
] as const;
/** The capacity a person holds; it decides whether and how strongly they speak for the state. */
export type AffiliationRole = (typeof AFFILIATION_ROLES)[number];

/**
 * Authority of each role in roll-up (DOMAIN.md §1): on the same day the lowest number wins. `null`
 * roles never roll up: a legislator or an opposition leader does not speak for the state.
 */
export const ROLE_AUTHORITY: Readonly<Record<AffiliationRole, 1 | 2 | 3 | null>> = Object.freeze({
  head_of_state: 1,
  head_of_government: 1,
  foreign_minister: 2,
  spokesperson: 2,
  special_envoy: 2,
  chief_negotiator: 2,
  delegation_head: 2,
  official: 3,
  legislator: null,
  opposition: null,
  former_official: null,
  member: null,
});

/** A person holds a role in (or for) a state, organ, organisation or another person, from a date. */
export class AffiliationAssertedData {
  /** The person's actor id (`peskov`). */
  @IsId() person: string;
  /** Whom the role is held for: a state (`USA`), an organ, or a person (Peskov speaks for `putin`). */
  @IsId() of: string;
  @IsIn(AFFILIATION_ROLES) role: AffiliationRole;
  /** First day the role holds (valid time, not the report date). */
  @IsCalendarDate() validFrom: string;
  /** Last day, when already known; otherwise an `AffiliationEnded` closes it later. */
  @IsOptional() @IsCalendarDate() @IsNotBefore('validFrom') validTo?: string;
}

/** A person takes up a role; roll-up resolves actors through these at each event's `occurredAt`. */
export type AffiliationAsserted = EventEnvelope<'AffiliationAsserted', AffiliationAssertedData>;

export const AffiliationAssertedEvent = defineEvent<AffiliationAssertedData>({
  type: 'AffiliationAsserted',
  schemaVersion: 1,
  upcasters: {},
  description: 'A person holds a role for a state, organ or person from validFrom (to validTo); changes roll-up. Not coded.',
  dataClass: AffiliationAssertedData,
  requiresProposal: false,
  defaultCodeRules: [],
  example: {
    eventId: '74ff624a-fe74-4e76-afe5-7b3a2447e578',
    type: 'AffiliationAsserted',
    schemaVersion: 1,
    // Trump's first term, which the AffiliationEnded example ends.
    occurredAt: { value: '2017-01-20', precision: 'day' },
    actors: [{ actorId: 'trump' }],
    data: { person: 'trump', of: 'USA', role: 'head_of_state', validFrom: '2017-01-20' },
  },
});
