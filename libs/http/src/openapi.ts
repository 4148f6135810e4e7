import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { apiSchemas, registeredApiSchemas } from './api-docs';
import { PROBLEM_BASE } from './problem';

/** Where the document is served: the UI at /docs, the raw document at /docs/json. */
export const OPENAPI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs/json';

apiSchemas({
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details with a stable `code` to branch on (docs/api.md lists the codes).',
    required: ['type', 'title', 'status', 'code'],
    properties: {
      type: { type: 'string', format: 'uri', examples: [`${PROBLEM_BASE}query.invalid`] },
      title: { type: 'string' },
      status: { type: 'integer' },
      code: { type: 'string', examples: ['query.invalid', 'auth.forbidden', 'party.not_found'] },
      detail: { type: 'string' },
      instance: { type: 'string' },
      errors: {
        type: 'array',
        description: 'For validation failures: one entry per offending field.',
        items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, pointer: { type: 'string' }, message: { type: 'string' } } },
      },
      retryAfter: { type: 'integer', description: 'Seconds, as in the Retry-After header.' },
    },
  },
});

/**
 * Serves the OpenAPI 3.1 document of the app's own routes, generated from its controllers'
 * decorators (no Swagger CLI plugin: the build is swc), with the shapes registered through
 * apiSchemas() as components. Public: the routes are registered on Fastify directly, outside the
 * auth guard. The document is built on its first request, so start-up pays nothing for it.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Statement Ledger')
    .setDescription(
      'An event-sourced ledger of political statements. Every route needs `Authorization: Bearer <token>` except /health, /metrics, /docs and the dashboard page. ' +
        'Errors are `application/problem+json`.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'opaque (sl_…)', description: 'A token with the scope the route names (admin implies every scope); opaque, not a JWT.' },
      'bearer',
    )
    .addApiKey({ type: 'apiKey', in: 'query', name: 'token', description: 'The same token in the URL, for GET /v1/stream only (EventSource cannot send headers).' }, 'queryToken')
    .build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => buildDocument(app, config), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Statement Ledger API',
  });
  // Nest's default path for the raw document, which tools and people try first: point it at ours.
  const fastify = app.getHttpAdapter().getInstance() as { get(path: string, handler: (req: unknown, reply: { redirect(url: string, code: number): unknown }) => unknown): void };
  fastify.get(`/${OPENAPI_PATH}-json`, (_req, reply) => reply.redirect(`/${OPENAPI_JSON_PATH}`, 301));
}

function buildDocument(app: INestApplication, config: Omit<OpenAPIObject, 'paths'>): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, config);
  const schemas = { ...registeredApiSchemas(), ...document.components?.schemas };
  document.components = { ...document.components, schemas: referenced(document.paths, schemas) as NonNullable<OpenAPIObject['components']>['schemas'] };
  return document;
}

/** The components the paths reach, directly or through other components: this app's shapes only. */
function referenced(paths: unknown, schemas: Record<string, unknown>): Record<string, unknown> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const name = key === '$ref' && typeof value === 'string' ? value.replace('#/components/schemas/', '') : null;
      if (name !== null && name in schemas && !found.has(name)) {
        found.add(name);
        visit(schemas[name]);
      } else visit(value);
    }
  };
  visit(paths);
  return Object.fromEntries(
    Object.keys(schemas)
      .filter((name) => found.has(name))
      .sort()
      .map((name) => [name, schemas[name]]),
  );
}
