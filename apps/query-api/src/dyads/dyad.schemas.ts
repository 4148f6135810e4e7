import { apiPage, apiSchemas } from '@ledger/http';

const count = { type: 'integer', minimum: 0 };

/** The OpenAPI shapes of GET /v1/dyads. */
export const DYAD_SCHEMAS = apiSchemas({
  Dyad: {
    type: 'object',
    description: 'What one principal did toward another in one period. Commentators never count.',
    required: ['source', 'target', 'period', 'events', 'goldsteinSum', 'goldsteinMean', 'quad'],
    properties: {
      source: { type: 'string', examples: ['USA'] },
      target: { type: 'string', examples: ['RUS'] },
      period: { type: 'string', format: 'date', description: 'First day of the period (weeks start on Monday).' },
      events: count,
      goldsteinSum: { type: 'number' },
      goldsteinMean: { type: 'number', description: 'goldsteinSum / events, rounded to 3 decimals.' },
      quad: {
        type: 'object',
        description: 'Counts per CAMEO quad class: verbal cooperation 01–05, material cooperation 06–08, verbal conflict 09–14, material conflict 15–20.',
        required: ['verbalCooperation', 'materialCooperation', 'verbalConflict', 'materialConflict'],
        properties: { verbalCooperation: count, materialCooperation: count, verbalConflict: count, materialConflict: count },
      },
    },
  },
});

export const DYAD_PAGE = apiSchemas({ DyadPage: apiPage(DYAD_SCHEMAS.Dyad) }).DyadPage;
