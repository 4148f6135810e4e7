import fc from 'fast-check';
import { isPlainObject, checkIdempotencyKey, prepareEnvelope } from '@ledger/contracts';

// Requests generated from an app's own OpenAPI document (GET /docs/json) with fast-check: values
// drawn from each operation's parameter and body schemas, then hostile mutations — wrong types,
// huge strings, unknown fields, prototype keys, bad dates, negative and huge limits, bad cursors,
// NUL bytes, unpaired surrogates, deep nesting, random bytes under wrong content types.

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface Operation {
  method: string;
  /** The templated path (`/v1/parties/{id}`). */
  path: string;
  op: Record<string, any>;
  /** Scopes any of which lets a caller in; empty for public routes. */
  scopes: string[];
  public: boolean;
}

export function operationsOf(doc: any): Operation[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => (METHODS as readonly string[]).includes(m))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op, scopes: op['x-required-scopes'] ?? [], public: !op.security?.length })),
  );
}

/** Fills a templated path with each parameter's first example (or a given value). */
export function concretePath(operation: Operation, values: Record<string, string> = {}): string {
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] !== undefined) return values[name];
    const schema = (operation.op.parameters ?? []).find((p: any) => p.in === 'path' && p.name === name)?.schema ?? {};
    if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    return encodeURIComponent(String(schema.examples?.[0] ?? 'x'));
  });
}

/** The first example body of an operation, when it takes one. */
export function exampleBody(operation: Operation): unknown {
  const content = operation.op.requestBody?.content?.['application/json'];
  const examples = Object.values(content?.examples ?? {}) as { value: unknown }[];
  return examples[0]?.value;
}

/** A request ready to send, and what it was meant to exercise. */
export interface FuzzRequest {
  operation: string;
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Which token (by name) the request carries, if any. */
  token: string;
  mutations: string[];
}

/** Tokens by name; `publish` and `admin` may publish, so bodies that might be valid never go out with them. */
export type Tokens = Record<'publish' | 'read' | 'audit' | 'admin' | 'revoked', string>;
const PUBLISHING = new Set(['publish', 'admin']);

type G = fc.GeneratorValue;
const pick = <T>(g: G, items: readonly T[]): T => items[g(fc.integer, { min: 0, max: items.length - 1 })];
const chance = (g: G, p: number): boolean => g(fc.integer, { min: 0, max: 9_999 }) < p * 10_000;

const BAD_DATES = [
  '2025-13-45',
  '2025-02-30',
  'yesterday',
  '0000-00-00',
  '0001-01-01',
  '-000001-01-01',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '2025-03-14T25:61:61Z',
  '2025-W99',
  '2025-W00',
  '1970-01-01T00:00:00+99:99',
  '2025-03-14T00:00:00.123456789123Z',
  '2025',
  '2025-03',
  '2025-W11',
  '2025-W11-3',
  '2025-073',
  '2025-03-14T12',
  '2025-03-14T12:00:00,5Z',
  '20250314',
  '2025-03-14T',
  'T12:00',
  '2025-03-14 12:00:00',
  '1e10',
  'infinity',
  '-infinity',
  'epoch',
  'now',
  'allballs',
];
const BAD_NUMBERS = [
  '-1',
  '0',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  '0x10',
  '99999999999999999999',
  '-99999999999999999999',
  '9007199254740993',
  'NaN',
  'Infinity',
  ' 1',
  '1 ',
  '+1',
  '١٢',
];
const cursorOf = (value: string) => Buffer.from(value, 'utf8').toString('base64url');
const BAD_CURSORS = [
  'not-a-cursor',
  '!!!',
  '====',
  cursorOf('[]'),
  cursorOf('["x"]'),
  cursorOf('["x","y"]'),
  cursorOf('["x","y","z"]'),
  cursorOf('[1]'),
  cursorOf('[1,2]'),
  cursorOf('[1,2,3]'),
  cursorOf('[null]'),
  cursorOf('[null,null]'),
  cursorOf('[null,null,null]'),
  cursorOf('[{},[]]'),
  cursorOf('[[],{},true]'),
  cursorOf('["2025-01-01T00:00:00Z","not-a-uuid"]'),
  cursorOf('["not-a-date","00000000-0000-4000-8000-000000000000"]'),
  cursorOf('[1e308,"x"]'),
  cursorOf('[-1,"-1"]'),
  cursorOf('[99999999999,"99999999999999999999999"]'),
  cursorOf('["9999-12-31","ZZZ","ZZZ"]'),
  cursorOf('["2025-03-14","a\\u0000b","c"]'),
  cursorOf('"just a string"'),
  cursorOf('{"__proto__":{"x":1}}'),
  cursorOf('x'.repeat(300)),
  cursorOf('["\\ud800"]'),
  cursorOf('[0,"1e5"]'),
  cursorOf('[0,"abc"]'),
  cursorOf('[true,false]'),
];
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '💥',
  'é',
  '\u202e',
  "' OR 1=1 --",
  '%',
  '%%',
  '_',
  '\\',
  '"',
  '$1',
  ';DROP TABLE x;',
  '<script>',
  '../../etc/passwd',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '\r\n',
  '\t',
  '*',
  '&|!:()',
  '!!',
  'a:*',
  "'",
  '<->',
];

function hostileString(g: G): string {
  switch (g(fc.integer, { min: 0, max: 7 })) {
    case 0:
      return pick(g, BAD_DATES);
    case 1:
      return pick(g, BAD_NUMBERS);
    case 2:
      return pick(g, BAD_CURSORS);
    case 3:
      return pick(g, ['x', 'é', '💥', '%00', 'a b']).repeat(g(fc.integer, { min: 200, max: 500 }));
    case 4:
      return g(fc.string, { unit: 'binary', maxLength: 40 });
    case 5:
      return g(fc.string, { unit: 'binary-ascii', maxLength: 40 });
    default:
      return pick(g, HOSTILE_STRINGS);
  }
}

/** encodeURIComponent, except that an unpaired surrogate goes out as its (invalid) 3-byte UTF-8 form. */
export function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((ch) => {
        const code = ch.charCodeAt(0);
        if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
          return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('');
        }
        return encodeURIComponent(ch);
      })
      .join('');
  }
}

const RAW_QUERY_BITS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%80',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '&&&',
  '=&=',
  'a[b]=c',
  'a[]=1&a[]=2',
  'x=%25%2525',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  '__proto__=1',
  'a.b.c=1',
  'limit[$gt]=0',
];

/** A value drawn from a JSON Schema of the document (depth-limited; formats and patterns honoured). */
export function fromSchema(g: G, doc: any, schema: any, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.$ref) return fromSchema(g, doc, resolve(doc, schema.$ref), depth + 1);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return fromSchema(g, doc, pick(g, choices), depth + 1);
  if ('const' in schema) return schema.const;
  if (schema.enum) return pick(g, schema.enum);
  if (schema.examples?.length && chance(g, 0.5)) return pick(g, schema.examples);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return g(fc.uuid);
      if (schema.format === 'date')
        return g(fc.date, { min: new Date('2024-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
          .toISOString()
          .slice(0, 10);
      if (schema.format === 'date-time') return g(fc.date, { min: new Date('2024-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).toISOString();
      if (schema.format === 'uri') return g(fc.webUrl);
      if (schema.pattern) {
        try {
          return g(fc.stringMatching, new RegExp(schema.pattern), { maxLength: schema.maxLength ?? 64 });
        } catch {
          // a pattern fast-check cannot build from: fall through to a plain string
        }
      }
      return g(fc.string, { minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    case 'integer':
      return g(fc.integer, { min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return g(fc.double, { min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return g(fc.boolean);
    case 'array': {
      const n = g(fc.integer, { min: schema.minItems ?? 0, max: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) });
      return Array.from({ length: n }, () => fromSchema(g, doc, schema.items, depth + 1));
    }
    case 'object':
    case undefined: {
      if (!schema.properties) return schema.type === 'object' ? {} : g(fc.jsonValue, { maxDepth: 2 });
      const out: Record<string, unknown> = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [key, sub] of Object.entries(schema.properties)) if (required.has(key) || chance(g, 0.5)) out[key] = fromSchema(g, doc, sub, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

function resolve(doc: any, ref: string): any {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

/** Query parameters of a GET: a valid draw from the schemas, then hostile edits. */
function queryOf(g: G, doc: any, operation: Operation, mutations: string[]): string {
  const declared = (operation.op.parameters ?? []).filter((p: any) => p.in === 'query');
  const pairs: [string, string][] = [];
  for (const p of declared) if (chance(g, 0.5)) pairs.push([p.name, String(fromSchema(g, doc, p.schema))]);
  const edits = g(fc.integer, { min: 0, max: 3 });
  const raw: string[] = [];
  for (let i = 0; i < edits; i++) {
    const kind = g(fc.integer, { min: 0, max: 6 });
    if (kind <= 2 && declared.length) {
      const p = pick(g, declared) as any;
      mutations.push(`query ${p.name} hostile`);
      pairs.push([p.name, hostileString(g)]);
    } else if (kind === 3) {
      mutations.push('query unknown parameter');
      pairs.push([pick(g, ['colour', 'token', 'debug', 'q', 'limit', 'LIMIT', 'sort', 'admin']), hostileString(g)]);
    } else if (kind === 4 && declared.length) {
      const p = pick(g, declared) as any;
      mutations.push(`query ${p.name} repeated`);
      pairs.push([p.name, String(fromSchema(g, doc, p.schema))], [p.name, String(fromSchema(g, doc, p.schema))]);
    } else {
      mutations.push('query raw bits');
      raw.push(pick(g, RAW_QUERY_BITS));
    }
  }
  const parts = [...pairs.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`), ...raw];
  return parts.length ? '?' + parts.join('&') : chance(g, 0.05) ? '?' : '';
}

function pathOf(g: G, operation: Operation, mutations: string[], knownIds: string[]): string {
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const schema = (operation.op.parameters ?? []).find((p: any) => p.in === 'path' && p.name === name)?.schema ?? {};
    const roll = g(fc.integer, { min: 0, max: 9 });
    if (roll < 4) return encodeComponent(schema.format === 'uuid' ? (knownIds.length && roll < 2 ? pick(g, knownIds) : g(fc.uuid)) : String(pick(g, schema.examples ?? ['x'])));
    mutations.push(`path ${name} hostile`);
    if (roll === 9) return pick(g, ['..', '.', '..%2F..%2Fpackage.json', '%2e%2e%2f', 'a%2Fb', '%00', '%ZZ', '%ED%A0%80', '~', 'x'.repeat(g(fc.integer, { min: 90, max: 400 }))]);
    return encodeComponent(hostileString(g));
  });
}

/** Ways to break a valid envelope (each makes it invalid, or at least likely so: the oracle decides). */
const ENVELOPE_MUTATIONS: Record<string, (g: G, e: Record<string, any>) => Record<string, any> | string> = {
  'drop required field': (g, e) => {
    const key = pick(g, ['type', 'schemaVersion', 'occurredAt', 'actors', 'data']);
    delete e[key];
    return e;
  },
  'drop data field': (g, e) => {
    const keys = isPlainObject(e.data) ? Object.keys(e.data) : [];
    if (keys.length) delete e.data[pick(g, keys)];
    else e.data = null;
    return e;
  },
  'wrong type': (g, e) => {
    const key = pick(g, ['eventId', 'type', 'schemaVersion', 'occurredAt', 'actors', 'data', 'proposalId', 'codes', 'citations']);
    e[key] = pick(g, [42, -1, 1.5, 'string', true, null, [], {}, [1, 2], { a: 1 }, '']);
    return e;
  },
  'huge string': (g, e) => {
    const target = pick(g, ['proposalId', 'type', 'eventId', 'data-string']);
    const huge = 'x'.repeat(g(fc.integer, { min: 20_001, max: 60_000 }));
    if (target === 'data-string') {
      const key = isPlainObject(e.data) ? Object.keys(e.data).find((k) => typeof e.data[k] === 'string') : undefined;
      if (key) e.data[key] = huge;
      else e.data = huge;
    } else e[target] = huge;
    return e;
  },
  'unknown field': (g, e) => {
    if (chance(g, 0.5)) e[pick(g, ['colour', 'recordedAt', 'zzz', 'toString', 'valueOf'])] = 1;
    else e.data = { ...(isPlainObject(e.data) ? e.data : {}), [pick(g, ['colour', 'extra', 'valueOf', 'isPrototypeOf'])]: 'x' };
    return e;
  },
  'prototype key': (g, e) => {
    const key = pick(g, ['__proto__', 'constructor', 'prototype']);
    const text = JSON.stringify(e);
    return chance(g, 0.5) ? text.replace(/^\{/, `{"${key}":{"polluted":"yes"},`) : text.replace(/"data":\{/, `"data":{"${key}":{"polluted":"yes"},`);
  },
  'bad date': (g, e) => {
    const bad = pick(g, BAD_DATES);
    if (chance(g, 0.5)) e.occurredAt = bad;
    else e.occurredAt = { value: bad, precision: pick(g, ['day', 'exact', 'week', 'month', 'year', 'nope']) };
    return e;
  },
  'NUL in text': (_g, e) => {
    if (isPlainObject(e.data)) e.data[Object.keys(e.data).find((k) => typeof e.data[k] === 'string') ?? 'text'] = 'a\u0000b';
    else e.type = `${e.type}\u0000`;
    return e;
  },
  'unpaired surrogate': (g, e) => {
    if (chance(g, 0.5) && isPlainObject(e.data)) e.data[Object.keys(e.data).find((k) => typeof e.data[k] === 'string') ?? 'text'] = 'half \ud800 pair';
    else e.data = { ...(isPlainObject(e.data) ? e.data : {}), ['\udc00']: 1 };
    return e;
  },
  'publisher in body': (_g, e) => ({ ...e, source: { publisher: 'someone-else' } }),
  'recordedAt in body': (_g, e) => ({ ...e, recordedAt: new Date().toISOString() }),
  'deep nesting': (g, e) => {
    const depth = g(fc.integer, { min: 40, max: 50_000 });
    return JSON.stringify(e).replace(/"data":\{/, `"data":{"deep":${'['.repeat(depth)}${']'.repeat(depth)},`);
  },
  'bad schema version': (g, e) => ({ ...e, schemaVersion: pick(g, [0, -1, 99, 1.5, '1', 1e308]) }),
  'unknown type': (g, e) => ({ ...e, type: pick(g, ['StatementWhispered', '', 'statementmade', 'Statement Made', '__proto__']) }),
  'bad event id': (g, e) => ({ ...e, eventId: pick(g, ['not-a-uuid', '', '00000000-0000-0000-0000-00000000000g', 123, '6F1C2A8E1B7D4C559A572F6A0F3B9D10']) }),
  'bad actor': (g, e) => ({ ...e, actors: pick(g, [[], [{}], [{ actorId: '' }], [{ actorId: 'has space' }], [{ actorId: 'x'.repeat(200) }], 'USA', [null]]) }),
};

function mutatedEnvelope(g: G, doc: any, operation: Operation, mutations: string[]): Record<string, any> | string {
  const content = operation.op.requestBody.content['application/json'];
  const examples = (Object.values(content.examples ?? {}) as { value: any }[]).map((x) => x.value);
  const single = operation.path === '/v1/events';
  const event = (): Record<string, any> => {
    const base = chance(g, 0.85)
      ? structuredClone(single ? pick(g, examples) : pick(g, examples).events[0])
      : (fromSchema(g, doc, single ? content.schema : content.schema.properties.events.items) as any);
    return isPlainObject(base) ? base : { value: base };
  };
  const broken = (): Record<string, any> | string => {
    let e: Record<string, any> | string = event();
    const n = g(fc.integer, { min: 1, max: 3 });
    for (let i = 0; i < n && typeof e !== 'string'; i++) {
      const name = pick(g, Object.keys(ENVELOPE_MUTATIONS));
      mutations.push(name);
      e = ENVELOPE_MUTATIONS[name](g, e);
    }
    return e;
  };
  if (single) return broken();
  // A batch: mostly valid items with one broken one (all or nothing), or a broken wrapper.
  const roll = g(fc.integer, { min: 0, max: 9 });
  if (roll === 0) {
    mutations.push('batch wrapper');
    return pick(g, [{}, { events: [] }, { events: {} }, { events: 'x' }, { events: [event()], extra: 1 }, { items: [event()] }, [event()]]);
  }
  if (roll === 1) {
    mutations.push('batch of 1001');
    const item = JSON.stringify(event());
    return `{"events":[${Array.from({ length: 1001 }, () => item).join(',')}]}`;
  }
  const items: (Record<string, any> | string)[] = Array.from({ length: g(fc.integer, { min: 1, max: 6 }) }, () => {
    const e = event();
    if (e.eventId) e.eventId = g(fc.uuid);
    return e;
  });
  items[g(fc.integer, { min: 0, max: items.length - 1 })] = broken();
  return `{"events":[${items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join(',')}]}`;
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/jsonx',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'application/octet-stream',
  '',
  'application/json; boundary=x',
];
const MALFORMED_JSON = [
  '{"a":',
  '',
  'null',
  '[]',
  '"str"',
  '1e999',
  '{"events": {}}',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"\\u0000":1}',
  '[[[[[[[[[[',
];

function bodyOf(g: G, doc: any, operation: Operation, mutations: string[]): { body: Buffer; contentType?: string } {
  const roll = g(fc.integer, { min: 0, max: 19 });
  if (roll === 0) {
    mutations.push('random bytes');
    const type = pick(g, CONTENT_TYPES);
    return { body: Buffer.from(g(fc.uint8Array, { maxLength: 2048 })), contentType: type || undefined };
  }
  if (roll === 1) {
    mutations.push('malformed JSON');
    return { body: Buffer.from(pick(g, MALFORMED_JSON), 'utf8'), contentType: 'application/json' };
  }
  if (roll === 2) {
    mutations.push('over the body limit');
    return { body: Buffer.from(JSON.stringify({ events: [{ data: { text: 'x'.repeat(300 * 1024) } }] })), contentType: 'application/json' };
  }
  const envelope = mutatedEnvelope(g, doc, operation, mutations);
  const text = typeof envelope === 'string' ? envelope : JSON.stringify(envelope);
  if (roll === 3) {
    const type = pick(g, CONTENT_TYPES);
    mutations.push(`content-type ${type || '(none)'}`);
    return { body: Buffer.from(text, 'utf8'), contentType: type || undefined };
  }
  return { body: Buffer.from(text, 'utf8'), contentType: 'application/json' };
}

const IDEMPOTENCY_KEYS = ['', ' ', 'a b', 'k'.repeat(256), 'ok-key', '\t', '"quoted"', 'k'.repeat(255), '%00'];

/**
 * Whether the ledger might accept this request as a publish: the same preparation and validation
 * the ingest API runs, applied generously (wrapper details ignored). Such a request must not carry a
 * token that may publish.
 */
export function mightPublish(request: { method: string; path: string; headers: Record<string, string>; body?: Buffer }): boolean {
  if (request.method !== 'POST' || !request.body || !/^\/v1\/events(\/batch)?(\?|$)/.test(request.path)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    return false;
  }
  const valid = (item: unknown, key?: string) => {
    try {
      prepareEnvelope(item, 'fuzz-oracle', checkIdempotencyKey(key));
      return true;
    } catch {
      return false;
    }
  };
  if (request.path.startsWith('/v1/events/batch')) {
    return isPlainObject(parsed) && Array.isArray(parsed.events) && parsed.events.length > 0 && parsed.events.every((e) => valid(e));
  }
  return valid(parsed, request.headers['idempotency-key']);
}

function authorization(g: G, tokens: Tokens, operation: Operation, mutations: string[]): { token: string; header?: string; query?: string } {
  // Most requests carry a token that gets past the guard, so the handlers see the hostile input.
  const entitled = ['admin', ...operation.scopes].filter((s) => s in tokens) as (keyof Tokens)[];
  const name = chance(g, 0.6) ? pick(g, entitled) : pick(g, ['none', 'publish', 'read', 'audit', 'admin', 'revoked', 'unknown', 'malformed'] as const);
  if (name === 'none') return { token: 'none' };
  if (name === 'unknown') return { token: name, header: `Bearer sl_${'A'.repeat(43)}` };
  if (name === 'malformed') {
    const header = pick(g, ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${'x'.repeat(600)}`, 'Token abc', 'Bearer a b', `Bearer ${tokens.admin},${tokens.admin}`]);
    mutations.push('malformed authorization');
    return { token: name, header };
  }
  const value = tokens[name];
  if (chance(g, 0.05)) {
    mutations.push('token in the query');
    return { token: name, query: value };
  }
  return { token: name, header: `${pick(g, ['Bearer', 'bearer', 'BEARER'])} ${value}` };
}

/** One generated request against one of the document's operations. */
export function requestArbitrary(doc: any, tokens: Tokens, knownIds: string[]): fc.Arbitrary<FuzzRequest> {
  const operations = operationsOf(doc);
  return fc.gen().map((g) => {
    const operation = pick(g, operations);
    const mutations: string[] = [];
    const auth = authorization(g, tokens, operation, mutations);
    let method = operation.method;
    if (chance(g, 0.03)) {
      method = pick(g, ['PUT', 'DELETE', 'PATCH', 'OPTIONS', method === 'GET' ? 'POST' : 'GET']);
      mutations.push(`method ${method}`);
    }
    let path = pathOf(g, operation, mutations, knownIds) + (operation.method === 'GET' ? queryOf(g, doc, operation, mutations) : '');
    if (auth.query) path += `${path.includes('?') ? '&' : '?'}token=${encodeComponent(auth.query)}`;
    const headers: Record<string, string> = {};
    if (auth.header !== undefined) headers.authorization = auth.header;
    let body: Buffer | undefined;
    if (operation.op.requestBody && method === 'POST') {
      const made = bodyOf(g, doc, operation, mutations);
      body = made.body;
      if (made.contentType) headers['content-type'] = made.contentType;
      if (operation.path === '/v1/events' && chance(g, 0.3)) {
        headers['idempotency-key'] = pick(g, IDEMPOTENCY_KEYS);
        mutations.push('idempotency-key');
      }
    } else if (chance(g, 0.03)) {
      mutations.push('body on a bodiless route');
      body = Buffer.from(pick(g, ['{"a":1}', 'garbage', '']), 'utf8');
      headers['content-type'] = pick(g, ['application/json', 'text/plain']);
    }
    const request: FuzzRequest = { operation: `${operation.method} ${operation.path}`, method, path, headers, body, token: auth.token, mutations };
    return withoutPublishingToken(request, tokens, pick(g, ['read', 'audit', 'revoked', 'none'] as const));
  });
}

/** A body the ledger might accept goes out with a token that may not publish. */
function withoutPublishingToken(request: FuzzRequest, tokens: Tokens, other: 'read' | 'audit' | 'revoked' | 'none'): FuzzRequest {
  if (!PUBLISHING.has(request.token) || !mightPublish(request)) return request;
  const headers = { ...request.headers };
  if (other === 'none') delete headers.authorization;
  else headers.authorization = `Bearer ${tokens[other]}`;
  return { ...request, headers, token: `${other} (was ${request.token}: the body might be valid)`, path: request.path.replace(/([?&])token=[^&]*/, '$1token=') };
}

/**
 * The systematic part, before the random one: every query parameter of every operation with each
 * hostile value, every path parameter likewise, and every body mutation on every event type's
 * example — each with a token that gets past the guard, so the handlers see them.
 */
export function sweepRequests(doc: any, tokens: Tokens, seed: number): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const entitled = (o: Operation) => (o.scopes[0] as keyof Tokens | undefined) ?? 'admin';
  const auth = (o: Operation): Record<string, string> => (o.public ? {} : { authorization: `Bearer ${tokens[entitled(o)]}` });
  const values = [...HOSTILE_STRINGS, ...BAD_CURSORS, ...BAD_DATES, ...BAD_NUMBERS.slice(0, 10), 'x'.repeat(4_000)];
  for (const o of operationsOf(doc).filter((x) => x.method === 'GET')) {
    const base = concretePath(o);
    for (const p of (o.op.parameters ?? []).filter((x: any) => x.in === 'query')) {
      for (const v of values) {
        out.push({
          operation: `${o.method} ${o.path}`,
          method: 'GET',
          path: `${base}?${encodeComponent(p.name)}=${encodeComponent(v)}`,
          headers: auth(o),
          token: entitled(o),
          mutations: [`sweep query ${p.name}`],
        });
      }
    }
    for (const p of (o.op.parameters ?? []).filter((x: any) => x.in === 'path')) {
      for (const v of [...HOSTILE_STRINGS, '..', '.', '%2e%2e', 'x'.repeat(101), '%ZZ']) {
        const raw = v === '..' || v === '.' || v.startsWith('%');
        out.push({
          operation: `${o.method} ${o.path}`,
          method: 'GET',
          path: concretePath(o, { [p.name]: raw ? v : encodeComponent(v) }),
          headers: auth(o),
          token: entitled(o),
          mutations: [`sweep path ${p.name}`],
        });
      }
    }
  }
  for (const o of operationsOf(doc).filter((x) => x.method === 'POST' && x.op.requestBody)) {
    const examples = (Object.values(o.op.requestBody.content['application/json'].examples ?? {}) as { value: any }[]).map((x) => x.value);
    for (const [k, example] of examples.entries()) {
      for (const [name, mutate] of Object.entries(ENVELOPE_MUTATIONS)) {
        const [body] = fc.sample(
          fc.gen().map((g) => {
            const event = structuredClone(o.path === '/v1/events' ? example : example.events[0]);
            const broken = mutate(g, event);
            const text = typeof broken === 'string' ? broken : JSON.stringify(broken);
            return o.path === '/v1/events' ? text : `{"events":[${JSON.stringify({ ...structuredClone(example.events[0]), eventId: undefined })},${text}]}`;
          }),
          { numRuns: 1, seed: seed + k },
        );
        const request: FuzzRequest = {
          operation: `${o.method} ${o.path}`,
          method: 'POST',
          path: o.path,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.publish}` },
          body: Buffer.from(body, 'utf8'),
          token: 'publish',
          mutations: [`sweep body ${name}`],
        };
        out.push(withoutPublishingToken(request, tokens, 'read'));
      }
    }
  }
  return out;
}
