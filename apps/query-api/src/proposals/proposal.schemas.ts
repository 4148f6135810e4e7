import { apiPage, apiSchemas, nullable } from '@ledger/http';
import { POSITION_SCHEMAS, POSITION_VIEW_SCHEMAS } from '../positions/position.schemas';

const str = { type: 'string' };

/** The fields every proposal shape shares; null ones for a proposal only known from positions. */
const COMMON = {
  id: { type: 'string', examples: ['us-30-day-ceasefire-2025'] },
  title: nullable(str),
  kind: nullable({ type: 'string', examples: ['ceasefire'] }),
  version: nullable({ type: 'integer', description: 'The latest version (amendments bump it).' }),
  proposer: nullable({ type: 'string', description: 'The principal who made it.' }),
  madeAt: nullable(POSITION_SCHEMAS.OccurredAt),
  durationDays: nullable({ type: 'integer' }),
};
const REQUIRED = ['id', 'title', 'kind', 'version', 'proposer', 'madeAt', 'durationDays', 'stances'];

/** The OpenAPI shapes of GET /v1/proposals and /v1/proposals/{id}. */
export const PROPOSAL_SCHEMAS = apiSchemas({
  ProposalVersion: {
    type: 'object',
    required: ['version', 'eventId', 'occurredAt'],
    properties: {
      version: { type: 'integer' },
      eventId: { type: 'string', format: 'uuid' },
      occurredAt: POSITION_SCHEMAS.OccurredAt,
      terms: { type: 'array', items: str, description: 'For the ProposalMade.' },
      termsDelta: { description: 'For a ProposalAmended.' },
    },
  },
  ProposalSummary: {
    type: 'object',
    required: REQUIRED,
    properties: {
      ...COMMON,
      stances: {
        type: 'object',
        description: "Each party's current stance, by party id.",
        additionalProperties: { type: 'object', required: ['category', 'score'], properties: { category: POSITION_SCHEMAS.Category, score: nullable({ type: 'number' }) } },
      },
    },
  },
});

export const PROPOSAL_DETAIL_SCHEMAS = apiSchemas({
  Proposal: {
    type: 'object',
    required: [...REQUIRED, 'terms', 'versions'],
    properties: {
      ...COMMON,
      terms: { type: 'array', items: str },
      versions: { type: 'array', items: PROPOSAL_SCHEMAS.ProposalVersion },
      stances: { type: 'array', items: POSITION_VIEW_SCHEMAS.Position, description: "Every party's stance at asOf (one per party that has one)." },
    },
  },
  ProposalPage: apiPage(PROPOSAL_SCHEMAS.ProposalSummary),
});
