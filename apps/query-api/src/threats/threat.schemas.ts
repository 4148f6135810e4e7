import { SANCTION_KINDS } from '@ledger/contracts';
import { apiPage, apiSchemas, nullable } from '@ledger/http';
import { THREAT_STATUSES } from '@ledger/read-models';

const uuid = { type: 'string', format: 'uuid' };

/** The OpenAPI shapes of GET /v1/threats. */
export const THREAT_SCHEMAS = apiSchemas({
  Threat: {
    type: 'object',
    description: 'A sanction threat as it stood at asOf: triggers and executions after asOf are not known yet.',
    required: ['threatId', 'by', 'against', 'sanction', 'trigger', 'deadline', 'ultimatum', 'proposalId', 'occurredAt', 'status', 'triggeredBy', 'executedBy'],
    properties: {
      threatId: { ...uuid, description: 'The SanctionThreatened event.' },
      by: nullable({ type: 'string', description: 'The principal who threatened.' }),
      against: { type: 'array', items: { type: 'string' } },
      sanction: { type: 'object', required: ['kind', 'scope'], properties: { kind: { enum: [...SANCTION_KINDS] }, scope: { type: 'string' } } },
      trigger: nullable({
        type: 'object',
        required: ['party', 'eventType'],
        properties: { party: nullable({ type: 'string' }), eventType: nullable({ type: 'string', examples: ['ProposalRejected'] }), proposalId: { type: 'string' } },
      }),
      deadline: nullable({ type: 'string', format: 'date' }),
      ultimatum: { type: 'boolean' },
      proposalId: nullable({ type: 'string' }),
      occurredAt: { type: 'string', description: 'Valid time of the threat (its occurredAt value).', examples: ['2025-03-12'] },
      status: { enum: [...THREAT_STATUSES], description: 'At asOf: executed, else triggered, else lapsed (deadline passed), else armed.' },
      triggeredBy: nullable(uuid),
      executedBy: nullable(uuid),
    },
  },
});

export const THREAT_PAGE = apiSchemas({ ThreatPage: apiPage(THREAT_SCHEMAS.Threat) }).ThreatPage;
