import { apiPage, apiSchemas, nullable } from '@ledger/http';
import { POSITION_VIEW_SCHEMAS } from '../positions/position.schemas';

const str = { type: 'string' };
const day = { type: 'string', format: 'date' };

/** The OpenAPI shapes of GET /v1/parties and /v1/parties/{id}. */
export const PARTY_SCHEMAS = apiSchemas({
  Party: {
    type: 'object',
    required: ['id', 'kind', 'name', 'aliases', 'iso3', 'principal', 'registered'],
    properties: {
      id: { type: 'string', examples: ['RUS', 'peskov'] },
      kind: {
        enum: ['state', 'person', 'state_organ', 'delegation', 'organization', 'commentator', 'unknown'],
        description: 'Guessed for an unregistered party: state for an ISO alpha-3 id, else unknown.',
      },
      name: { type: 'string', description: 'The id itself for an unregistered party.' },
      aliases: { type: 'array', items: str },
      iso3: nullable(str),
      principal: nullable({ type: 'string', description: 'The state an organ or a delegation belongs to.' }),
      registered: { type: 'boolean', description: 'False when the party only holds positions and was never registered.' },
    },
  },
  Affiliation: {
    type: 'object',
    description: 'A time-bounded role: person acts as role of `of`.',
    required: ['eventId', 'person', 'of', 'role', 'validFrom', 'validTo', 'endedBy'],
    properties: {
      eventId: { type: 'string', format: 'uuid' },
      person: str,
      of: str,
      role: { type: 'string', examples: ['head_of_state', 'spokesperson'] },
      validFrom: day,
      validTo: nullable(day),
      endedBy: nullable({ type: 'string', format: 'uuid' }),
    },
  },
});

export const PARTY_DETAIL_SCHEMAS = apiSchemas({
  PartyDetail: {
    allOf: [
      PARTY_SCHEMAS.Party,
      {
        type: 'object',
        required: ['affiliations', 'positions'],
        properties: {
          affiliations: { type: 'array', items: PARTY_SCHEMAS.Affiliation, description: 'Its roles, as the person and as the `of` side.' },
          positions: { type: 'array', items: POSITION_VIEW_SCHEMAS.Position, description: 'Its stance on every proposal, now.' },
        },
      },
    ],
  },
  PartyPage: apiPage(PARTY_SCHEMAS.Party),
});
