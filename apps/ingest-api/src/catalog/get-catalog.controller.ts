import { Controller, Get } from '@nestjs/common';
import { CatalogEntry, catalogEntries, envelopeSchema, JsonSchema } from '@ledger/contracts';
import { RequireScopes } from '@ledger/platform';

/** The catalog as publishers read it: the envelope's schema, then every type with its schema, codes and example. */
export interface CatalogDocument {
  envelope: JsonSchema;
  events: CatalogEntry[];
}

/** GET /v1/catalog: what the ledger accepts, generated from the same contracts the validation uses. */
@Controller('v1/catalog')
export class GetCatalogController {
  private document?: CatalogDocument;

  @Get()
  @RequireScopes('publish', 'read')
  get(): CatalogDocument {
    // Contracts are fixed for the life of the process: build the document once.
    this.document ??= { envelope: envelopeSchema(), events: catalogEntries() };
    return this.document;
  }
}
