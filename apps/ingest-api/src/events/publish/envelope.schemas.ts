import { CATALOG, catalogEntries, eventSchemas, JsonSchema } from '@ledger/contracts';
import { ApiRef, apiRef, ApiSchema, apiSchemas } from '@ledger/http';

/**
 * The request bodies of POST /v1/events and /v1/events/batch for the OpenAPI document, generated
 * from the catalog's JSON Schemas (the same ones the validation uses) and adapted to HTTP: the
 * token sets source.publisher (it must not be sent), and eventId may be left to Idempotency-Key.
 */
const components: Record<string, ApiSchema> = {};

/** A contract schema's `$defs` become components of their own; its refs follow them. */
function relink<T>(node: T): T {
  if (Array.isArray(node)) return node.map(relink) as T;
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? value.replace('#/$defs/', '#/components/schemas/') : relink(value)]),
  ) as T;
}

function asComponent(schema: JsonSchema): ApiSchema {
  const { $schema: _dialect, $defs, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = relink(def);
  return relink(rest);
}

function forHttp(envelope: ApiSchema): ApiSchema {
  const properties = { ...(envelope.properties as Record<string, ApiSchema>) };
  properties.eventId = { ...properties.eventId, description: 'Optional: derived from Idempotency-Key and your publisher id when absent, else a new UUID.' };
  properties.source = apiRef('RequestSource');
  return { ...envelope, properties, required: (envelope.required as string[]).filter((field) => field !== 'eventId' && field !== 'source') };
}

const entries = catalogEntries();
const envelopes = Object.fromEntries(entries.map((e) => [`${e.type}Event`, forHttp(asComponent(eventSchemas(CATALOG[e.type]).envelope))]));
const source = components.SourceDto as { properties: Record<string, ApiSchema> };
const { publisher: _publisher, ...sourceFields } = source.properties;
apiSchemas({
  ...components,
  ...envelopes,
  RequestSource: { type: 'object', description: 'source.publisher is set from your token and must not be sent.', properties: sourceFields, additionalProperties: false },
});

/** One envelope of any catalog type, told apart by `type`. */
export const EVENT_BODY: ApiSchema = {
  oneOf: entries.map((e) => apiRef(`${e.type}Event`)),
  discriminator: { propertyName: 'type', mapping: Object.fromEntries(entries.map((e) => [e.type, apiRef(`${e.type}Event`).$ref])) },
};

/** The catalog's example of each type, as a publisher sends it (no source.publisher). */
export const EVENT_EXAMPLES = Object.fromEntries(
  entries.map((e) => {
    const { source: exampleSource, ...example } = e.example;
    const { publisher: _ignored, ...rest } = exampleSource ?? {};
    return [e.type, { summary: e.description, value: Object.keys(rest).length ? { ...example, source: rest } : example }];
  }),
) as Record<string, { summary: string; value: Record<string, unknown> }>;

const uuid = { type: 'string', format: 'uuid' };

/** What a publish answers, per event. */
export const PUBLISH_SCHEMAS = apiSchemas({
  PublishResult: {
    oneOf: [
      {
        type: 'object',
        description: 'The log acknowledged it (acks=all).',
        required: ['eventId', 'status', 'partition', 'offset', 'recordedAt'],
        properties: {
          eventId: uuid,
          status: { const: 'accepted' },
          partition: { type: 'integer' },
          offset: { type: 'string' },
          recordedAt: { type: 'string', format: 'date-time' },
        },
      },
      { type: 'object', description: 'Accepted before with the same content.', required: ['eventId', 'status'], properties: { eventId: uuid, status: { const: 'duplicate' } } },
    ],
  },
});

export const PUBLISH_RESULT: ApiRef = PUBLISH_SCHEMAS.PublishResult;
