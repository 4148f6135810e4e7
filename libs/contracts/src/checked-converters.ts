import { ARRAY_UNIQUE, IS_ISO8601, IS_URL, IS_UUID, MATCHES, MAX_LENGTH, MIN_LENGTH, ValidationTypes } from 'class-validator';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { CAMEO } from './cameo';
import { MAX_PATCH_CHARS, PATCHABLE_FIELDS } from './validators';

/**
 * How the compiled validator's schema renders each rule: like the published schema wherever JSON
 * Schema means exactly what class-validator checks, and as an `x-` keyword (compiled-validator.ts)
 * calling the very predicate class-validator calls wherever it does not — `format: uri` accepts
 * ftp://, `format: uuid` accepts urn:uuid:, `maxLength` counts U+FE0F, `uniqueItems` compares whole
 * values. `x-message` carries the rule's own message for the problems it reports.
 */
export const CHECKED_CONVERTERS: ISchemaConverters = {
  isOccurredAt: (meta) => ({ 'x-occurred-at': true, 'x-message': message(meta) }),
  isKnownCameo: (meta) => ({ type: 'string', enum: Object.keys(CAMEO).sort(), 'x-message': message(meta) }),
  isCalendarDate: (meta) => ({ type: 'string', 'x-calendar-date': true, 'x-message': message(meta) }),
  isNotBefore: (meta) => ({ 'x-not-before': meta.constraints[0], 'x-message': message(meta) }),
  isMergePatch: (meta) => ({
    type: 'object',
    minProperties: 1,
    properties: Object.fromEntries(PATCHABLE_FIELDS.map((field) => [field, {}])),
    additionalProperties: false,
    'x-max-json-chars': MAX_PATCH_CHARS,
    'x-message': message(meta),
  }),
  [IS_URL]: (meta) => ({ type: 'string', 'x-url': meta.constraints[0] ?? {}, 'x-message': '$property must be an http or https URL' }),
  [IS_ISO8601]: (meta) => ({ type: 'string', 'x-iso8601': meta.constraints[0] ?? {}, 'x-message': '$property must be an ISO 8601 date or timestamp' }),
  [IS_UUID]: (meta) => ({ type: 'string', 'x-uuid': meta.constraints[0] ?? 'all', 'x-message': '$property must be a UUID' }),
  [MATCHES]: (meta) => ({ type: 'string', pattern: (meta.constraints[0] as RegExp).source, 'x-message': message(meta) }),
  [MIN_LENGTH]: (meta) => ({ type: 'string', 'x-min-length': meta.constraints[0] }),
  [MAX_LENGTH]: (meta) => ({ type: 'string', 'x-max-length': meta.constraints[0] }),
  [ARRAY_UNIQUE]: (meta) => ({ type: 'array', 'x-unique': UNIQUE_CHECKS.push(ownCheck(meta)) - 1, 'x-message': message(meta) }),
  [ValidationTypes.CONDITIONAL_VALIDATION]: {},
};

/**
 * The checks of @ArrayUnique rules, by the index their `x-unique` names: the rule's selector lives
 * only in its closure (and functions do not survive JSON), so the rule's own constraint runs.
 */
export const UNIQUE_CHECKS: ((items: unknown[]) => boolean)[] = [];

function ownCheck(meta: ValidationMetadata): (items: unknown[]) => boolean {
  const constraint = new (meta.constraintCls as new () => { validate(value: unknown, args: unknown): boolean })();
  return (items) => constraint.validate(items, { value: items, constraints: meta.constraints ?? [], targetName: '', object: {}, property: meta.propertyName });
}

function message(meta: ValidationMetadata): string | undefined {
  return typeof meta.message === 'string' ? meta.message : undefined;
}
