import { CONDITION_RESOLUTIONS, PRECISIONS } from '@ledger/contracts';
import { apiSchemas, nullable } from '@ledger/http';
import { CATEGORIES, POLICY_VERSION } from '@ledger/read-models';

const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const strings = { type: 'array', items: str };

/** How asOf and knownAt are described (a @JSONSchema on the parameter classes; parsed by parseInstant). */
export const AS_OF = { description: 'Valid time: a date (the end of that day, UTC) or a timestamp with a zone; default now.', examples: ['2025-03-13'] };
export const KNOWN_AT = { description: 'Record time: only what the ledger had recorded by then; default everything.', examples: ['2025-03-14T18:00:00Z'] };

/** The OpenAPI shapes of positions (docs/api.md), shared by the routes that return them. */
export const POSITION_SCHEMAS = apiSchemas({
  OccurredAt: {
    type: 'object',
    description: 'Valid time: an instant (exact), a date (day), an ISO week (2025-W11) or a month (2025-03).',
    required: ['value', 'precision'],
    properties: { value: { type: 'string', examples: ['2025-03-13', '2025-W11'] }, precision: { enum: [...PRECISIONS] } },
  },
  Category: { enum: [...CATEGORIES], description: 'Where a party stands on a proposal (DOMAIN.md §4).' },
  Citation: { type: 'object', required: ['url', 'outlet'], properties: { url: { type: 'string', format: 'uri' }, outlet: str, publishedAt: str } },
  Condition: {
    type: 'object',
    required: ['conditionId', 'text', 'category', 'addressedTo', 'status', 'statedBy', 'statedAt', 'resolvedBy', 'resolvedAt'],
    properties: {
      conditionId: str,
      text: str,
      category: str,
      addressedTo: strings,
      status: { enum: ['open', ...CONDITION_RESOLUTIONS] },
      statedBy: { type: 'string', format: 'uuid', description: 'The event that stated it.' },
      statedAt: str,
      resolvedBy: nullable({ type: 'string', format: 'uuid' }),
      resolvedAt: nullable(str),
    },
  },
});

const { OccurredAt, Category, Citation, Condition } = POSITION_SCHEMAS;

export const POSITION_VIEW_SCHEMAS = apiSchemas({
  BasisEvent: {
    type: 'object',
    description: 'The event that set the stance, with the words behind it.',
    required: ['eventId', 'type', 'occurredAt', 'recordedAt', 'actors', 'quote', 'direct', 'citations'],
    properties: {
      eventId: { type: 'string', format: 'uuid' },
      type: str,
      occurredAt: OccurredAt,
      recordedAt: time,
      actors: { type: 'array', items: { type: 'object' } },
      quote: nullable(str),
      direct: nullable({ type: 'boolean' }),
      citations: { type: 'array', items: Citation },
    },
  },
  Position: {
    type: 'object',
    description: 'Where a party stands on a proposal at valid time asOf, as known at record time knownAt (null: everything recorded).',
    required: [
      'party',
      'proposalId',
      'asOf',
      'knownAt',
      'category',
      'score',
      'lean',
      'openConditions',
      'conditions',
      'basisEventId',
      'basis',
      'contested',
      'version',
      'since',
      'policyVersion',
    ],
    properties: {
      party: str,
      proposalId: str,
      asOf: time,
      knownAt: nullable(time),
      category: Category,
      score: nullable({ type: 'number', description: 'PROPOSER/ACCEPTED 1, CONDITIONAL max(0.1, 0.5 − 0.1 × open conditions), NONCOMMITTAL 0, REJECTED −1; null for UNKNOWN.' }),
      lean: { type: 'number', minimum: -1, maximum: 1, description: 'Sum of Goldstein/10 of tonal events about the proposal in the 30 days up to asOf, clamped.' },
      openConditions: { type: 'integer' },
      conditions: { type: 'array', items: Condition },
      basisEventId: nullable({ type: 'string', format: 'uuid' }),
      basis: nullable({ $ref: '#/components/schemas/BasisEvent' }),
      contested: { type: 'boolean', description: 'Authoritative voices of the same principal disagree.' },
      version: nullable({ type: 'integer', description: 'The proposal version the stance refers to.' }),
      since: nullable(OccurredAt),
      policyVersion: { type: 'integer', examples: [POLICY_VERSION] },
    },
  },
  Step: {
    type: 'object',
    description: 'One change of stance in the step series.',
    required: ['eventId', 'type', 'occurredAt', 'occurredStart', 'recordedAt', 'category', 'score', 'openConditions', 'contested', 'basisEventId'],
    properties: {
      eventId: { type: 'string', format: 'uuid' },
      type: str,
      occurredAt: OccurredAt,
      occurredStart: time,
      recordedAt: time,
      category: Category,
      score: nullable({ type: 'number' }),
      openConditions: { type: 'integer' },
      contested: { type: 'boolean' },
      basisEventId: nullable({ type: 'string', format: 'uuid' }),
    },
  },
});
