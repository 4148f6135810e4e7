import type { ErrorObject } from 'ajv';

/** One reason an input is not a valid envelope, at a dotted path (`data.tone`, `actors.0.actorId`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Enums longer than this (the CAMEO table) are pointed to, not listed. */
const MAX_LISTED = 40;
const ARTICLE: Record<string, string> = {
  array: 'an array',
  object: 'an object',
  integer: 'an integer',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

/**
 * Ajv's errors as the ledger's problems: one per problem, at the dotted path of the field it is
 * about (the missing or unknown field itself, not its parent), saying what is wrong in words a
 * publisher can act on. `if` wrappers (nullable optional fields) only repeat their branch's error.
 */
export function describeErrors(errors: readonly ErrorObject[], prefix: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const problem = describe(e, prefix);
    const key = problem.field + '\u0000' + problem.message;
    if (seen.has(key)) continue;
    out.push(problem);
    seen.add(key);
  }
  return out;
}

function describe(e: ErrorObject, prefix: string): FieldProblem {
  const at = join(prefix, e.instancePath);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return problem(join(at, '/' + escape(p.missingProperty)), 'is required');
    case 'additionalProperties':
      return problem(join(at, '/' + escape(p.additionalProperty)), 'is not allowed: there is no such field here (see GET /v1/catalog)');
    case 'type':
      return problem(
        at,
        `must be ${String(p.type)
          .split(',')
          .map((t) => ARTICLE[t] ?? t)
          .join(' or ')}`,
      );
    case 'enum': {
      const allowed = p.allowedValues as unknown[];
      if (allowed.length > MAX_LISTED) return problem(at, custom(e, at) ?? `must be one of the ${allowed.length} values listed in GET /v1/catalog`);
      return problem(at, `must be one of: ${allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`);
    }
    case 'const':
      return problem(at, `must be ${JSON.stringify(p.allowedValue)}`);
    case 'x-min-length':
      return problem(at, e.schema === 1 ? 'must not be empty' : `must be at least ${e.schema} characters long`);
    case 'x-max-length':
      return problem(at, `must be at most ${e.schema} characters long`);
    case 'minItems':
      return problem(at, `must contain at least ${p.limit} ${p.limit === 1 ? 'element' : 'elements'}`);
    case 'maxItems':
      return problem(at, `must contain at most ${p.limit} elements`);
    case 'minimum':
      return problem(at, `must be at least ${p.limit}`);
    case 'maximum':
      return problem(at, `must be at most ${p.limit}`);
    case 'minProperties':
      return problem(at, custom(e, at) ?? `must have at least ${p.limit} ${p.limit === 1 ? 'field' : 'fields'}`);
    default:
      return problem(at, custom(e, at) ?? `must satisfy ${e.keyword}${e.schema !== true && e.schema !== undefined ? ' ' + JSON.stringify(e.schema) : ''}`);
  }
}

/** The rule's own message (class-validator's, kept as `x-message`), its `$property` naming the whole path. */
function custom(e: ErrorObject, field: string): string | undefined {
  const message = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
  if (typeof message !== 'string') return undefined;
  const text = message.replace(/\$property/g, field);
  return text.startsWith(field + ' ') ? text.slice(field.length + 1) : text;
}

function problem(field: string, message: string): FieldProblem {
  return { field, message: field ? `${field} ${message}` : message };
}

/** A JSON Pointer under a dotted prefix as the dotted path the problem+json `field` uses. */
function join(prefix: string, pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [prefix, ...parts].filter((s) => s !== '').join('.');
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
