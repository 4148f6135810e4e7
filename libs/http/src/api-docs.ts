import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import { isDeepStrictEqual } from 'node:util';
import { targetConstructorToSchema } from 'class-validator-jsonschema';

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it) written as plain data. */
export type ApiSchema = Record<string, unknown>;

/** A JSON reference to a component schema (a type, not an interface: it is also an ApiSchema). */
export type ApiRef = { $ref: string };

const COMPONENTS = new Map<string, ApiSchema>();

/**
 * Names schemas as components of the OpenAPI document (GET /docs/json) and answers their `$ref`s.
 * The code that documents a route registers the shapes it references, at load; a name registered
 * twice must mean the same schema.
 */
export function apiSchemas<K extends string>(schemas: Record<K, ApiSchema>): Record<K, ApiRef> {
  const refs = {} as Record<K, ApiRef>;
  for (const name of Object.keys(schemas) as K[]) {
    const known = COMPONENTS.get(name);
    if (known && !isDeepStrictEqual(known, schemas[name])) throw new Error(`two different OpenAPI schemas are named ${name}`);
    COMPONENTS.set(name, schemas[name]);
    refs[name] = apiRef(name);
  }
  return refs;
}

export function apiRef(name: string): ApiRef {
  return { $ref: `#/components/schemas/${name}` };
}

/** Every component registered so far, by name. */
export function registeredApiSchemas(): Record<string, ApiSchema> {
  return Object.fromEntries([...COMPONENTS].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A value that may be null (OpenAPI 3.1 / JSON Schema spelling). */
export function nullable(schema: ApiSchema | ApiRef): ApiSchema {
  const type = (schema as ApiSchema).type;
  return typeof type === 'string' && !('$ref' in schema) ? { ...schema, type: [type, 'null'] } : { anyOf: [schema, { type: 'null' }] };
}

/** A page of a list: `{ items, nextCursor? }` (no nextCursor: the last page). */
export function apiPage(item: ApiSchema | ApiRef): ApiSchema {
  return {
    type: 'object',
    required: ['items'],
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: 'string', description: 'Pass it back as `cursor` for the next page; absent on the last page.' },
    },
  };
}

/**
 * Documents every query parameter of a parseQuery() class: its schema comes from the same
 * class-validator rules that validate it, so the document cannot drift from the checks. A
 * `@JSONSchema({ description })` on a property becomes the parameter's description.
 */
export function ApiQueryParams(cls: new () => object): MethodDecorator & ClassDecorator {
  const schema = targetConstructorToSchema(cls) as { properties?: Record<string, ApiSchema>; required?: string[] };
  const required = new Set(schema.required ?? []);
  return applyDecorators(
    ...Object.entries(schema.properties ?? {}).map(([name, { description, ...property }]) =>
      ApiQuery({ name, required: required.has(name), description: description as string | undefined, schema: property }),
    ),
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request (`query.invalid`, `envelope.invalid`…)',
  401: 'No token, or an unknown or revoked one',
  403: 'The token lacks the scope',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Not application/json',
  429: 'Over the token’s rate; see Retry-After',
  503: 'A dependency is unavailable; retry after Retry-After',
};

/** Error responses, each an RFC 9457 problem document (the Problem schema). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: STATUS_TEXT[status] ?? 'Error', content: { 'application/problem+json': { schema: apiRef('Problem') } } })),
  );
}
