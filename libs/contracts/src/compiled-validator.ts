import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isISO8601, isURL, isUUID, maxLength, minLength } from 'class-validator';
import { canonicalJson } from './canonical-json';
import { UNIQUE_CHECKS } from './checked-converters';
import { EventDefinition } from './event-definition';
import { EnvelopeDto } from './envelope.dto';
import { checkedSchema } from './json-schema';
import { OccurredAt, occurredStart, PRECISIONS } from './occurred-at';
import { describeErrors, FieldProblem } from './problems';

type Class = new () => object;

/**
 * One Ajv for the ledger. `unicode: false` and `unicodeRegExp: false` make lengths and patterns mean
 * what they mean to class-validator (the `x-` length keywords count exactly as it does).
 */
function newAjv(): Ajv2020 {
  const ajv = addFormats(new Ajv2020({ allErrors: true, verbose: true, unicodeRegExp: false, strictTypes: false, strictRequired: false }));
  ajv.addKeyword({ keyword: 'x-message', schemaType: 'string' });
  const strings: [string, (rule: any, value: string, parent: Record<string, unknown>) => boolean][] = [
    ['x-url', (options, value) => isURL(value, options)],
    ['x-iso8601', (options, value) => isISO8601(value, options)],
    ['x-uuid', (version, value) => isUUID(value, version)],
    ['x-min-length', (min, value) => minLength(value, min)],
    ['x-max-length', (max, value) => maxLength(value, max)],
    ['x-calendar-date', (_, value) => occurredStart({ value, precision: 'day' }) !== null],
    // An end never precedes its start; a missing or malformed start is reported by its own rules.
    ['x-not-before', (other, value, parent) => typeof parent[other] !== 'string' || value >= (parent[other] as string)],
  ];
  for (const [keyword, check] of strings) {
    ajv.addKeyword({ keyword, type: 'string', errors: false, validate: (rule: unknown, value: string, _s: unknown, cxt: any) => check(rule, value, cxt?.parentData ?? {}) });
  }
  ajv.addKeyword({
    keyword: 'x-occurred-at',
    type: 'object',
    errors: false,
    validate: (_: unknown, at: OccurredAt) => typeof at.value !== 'string' || !PRECISIONS.includes(at.precision) || occurredStart(at) !== null,
  });
  ajv.addKeyword({ keyword: 'x-max-json-chars', type: 'object', errors: false, validate: (max: number, value: unknown) => fitsJson(value, max) });
  ajv.addKeyword({
    keyword: 'x-unique',
    type: 'array',
    errors: false,
    validate: (index: number, items: unknown[]) => UNIQUE_CHECKS[index](items),
  });
  return ajv;
}

function fitsJson(value: unknown, max: number): boolean {
  try {
    return canonicalJson(value).length <= max;
  } catch {
    return false; // not JSON: a non-finite number
  }
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<Class, ValidateFunction>();

/** The compiled check of one contract class, compiled on first use and kept. */
function compiledFor(cls: Class): ValidateFunction {
  let validate = compiled.get(cls);
  if (!validate) compiled.set(cls, (validate = (ajv ??= newAjv()).compile(checkedSchema(cls))));
  return validate;
}

/** The envelope's problems (its `data` only as an object), each at its dotted path. */
export function envelopeProblems(raw: Record<string, unknown>): FieldProblem[] {
  return run(compiledFor(EnvelopeDto), raw, '');
}

/** The problems of one type's data, at paths under `data`. */
export function dataProblems(def: EventDefinition<any>, data: Record<string, unknown>): FieldProblem[] {
  return run(compiledFor(def.dataClass), data, 'data');
}

/** Compiles every schema now, so that no request pays for it. */
export function compileAll(definitions: readonly EventDefinition<any>[]): void {
  compiledFor(EnvelopeDto);
  for (const def of definitions) compiledFor(def.dataClass);
}

function run(validate: ValidateFunction, value: unknown, prefix: string): FieldProblem[] {
  return validate(value) ? [] : describeErrors(validate.errors as ErrorObject[], prefix);
}
