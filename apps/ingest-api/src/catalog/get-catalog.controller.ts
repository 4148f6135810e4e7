import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogEntry, catalogEntries, envelopeSchema, JsonSchema } from '@ledger/contracts';
import { apiSchemas, RequireScopes } from '@ledger/http';

/** The catalog as publishers read it: the envelope's schema, then every type with its schema, codes and example. */
export interface CatalogDocument {
  envelope: JsonSchema;
  events: CatalogEntry[];
}

const code = {
  type: 'object',
  required: ['cameo', 'label', 'goldstein', 'quad'],
  properties: { cameo: { type: 'string' }, label: { type: 'string' }, goldstein: { type: 'number' }, quad: { type: 'integer' }, when: { type: 'string' } },
};
const { Catalog } = apiSchemas({
  Catalog: {
    type: 'object',
    required: ['envelope', 'events'],
    properties: {
      envelope: { type: 'object', description: 'The JSON Schema (2020-12) of any envelope.' },
      events: {
        type: 'array',
        items: {
          type: 'object',
          required: ['type', 'schemaVersion', 'description', 'requiresProposal', 'defaultCodes', 'dataSchema', 'example'],
          properties: {
            type: { type: 'string' },
            schemaVersion: { type: 'integer' },
            description: { type: 'string' },
            requiresProposal: { type: 'boolean' },
            defaultCodes: { type: 'array', items: code },
            impliedCodes: { type: 'object', properties: { per: { type: 'string' }, codes: { type: 'array', items: code } } },
            dataSchema: { type: 'object', description: 'The JSON Schema (2020-12) of the type’s data.' },
            example: { type: 'object' },
          },
        },
      },
    },
  },
});

/** GET /v1/catalog: what the ledger accepts, generated from the same contracts the validation uses. */
@ApiTags('catalog')
@Controller('v1/catalog')
export class GetCatalogController {
  private document?: CatalogDocument;

  @Get()
  @RequireScopes('publish', 'read')
  @ApiOperation({ summary: 'Event types with their JSON Schemas, default CAMEO codes and examples' })
  @ApiOkResponse({ schema: Catalog })
  get(): CatalogDocument {
    // Contracts are fixed for the life of the process: build the document once.
    this.document ??= { envelope: envelopeSchema(), events: catalogEntries() };
    return this.document;
  }
}
