import { STATEMENT_TONES } from '@ledger/contracts';
import { apiPage, apiSchemas, nullable } from '@ledger/http';
import { POSITION_SCHEMAS } from '../positions/position.schemas';

/** The OpenAPI shapes of GET /v1/statements. */
export const STATEMENT_SCHEMAS = apiSchemas({
  Statement: {
    type: 'object',
    description: 'Who said what (a StatementMade), with its resolved parties.',
    required: ['eventId', 'occurredAt', 'recordedAt', 'actors', 'parties', 'proposalId', 'text', 'tone', 'topics', 'codes', 'quote', 'citations'],
    properties: {
      eventId: { type: 'string', format: 'uuid' },
      occurredAt: POSITION_SCHEMAS.OccurredAt,
      recordedAt: { type: 'string', format: 'date-time' },
      actors: { type: 'array', items: { type: 'object' } },
      parties: { type: 'array', items: { type: 'string' }, description: 'The speakers and the principals they spoke for.' },
      proposalId: nullable({ type: 'string' }),
      text: { type: 'string' },
      tone: { enum: [...STATEMENT_TONES] },
      topics: { type: 'array', items: { type: 'string' } },
      codes: nullable({ type: 'object', required: ['cameo', 'goldstein'], properties: { cameo: { type: 'string' }, goldstein: { type: 'number' } } }),
      quote: nullable({ type: 'string' }),
      citations: { type: 'array', items: POSITION_SCHEMAS.Citation },
    },
  },
});

export const STATEMENT_PAGE = apiSchemas({ StatementPage: apiPage(STATEMENT_SCHEMAS.Statement) }).StatementPage;
