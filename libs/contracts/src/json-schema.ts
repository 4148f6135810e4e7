import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, IS_OPTIONAL, IS_URL, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import { CAMEO } from './cameo';
import { CHECKED_CONVERTERS } from './checked-converters';
import { EnvelopeDto } from './envelope.dto';
import { EventDefinition } from './event-definition';
import { EVENT_TYPES } from './event-types';
import { MAX_PATCH_CHARS, PATCHABLE_FIELDS } from './validators';

/** A JSON Schema (2020-12) as plain data. */
export type JsonSchema = Record<string, unknown>;

/** The JSON Schemas of one event type: of its `data`, and of a whole envelope of that type. */
export interface EventSchemas {
  data: JsonSchema;
  envelope: JsonSchema;
}

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const REF = '#/$defs/';
type Class = new () => object;

/** Our custom validators, by the name they register under, as JSON Schema. */
const CONVERTERS: ISchemaConverters = {
  isOccurredAt: {}, // the nested $ref says it all; the envelope's bare-date shorthand is added below
  isKnownCameo: { type: 'string', enum: Object.keys(CAMEO).sort() },
  isCalendarDate: { type: 'string', format: 'date' },
  isNotBefore: {},
  isMergePatch: {
    type: 'object',
    minProperties: 1,
    properties: Object.fromEntries(PATCHABLE_FIELDS.map((field) => [field, {}])),
    additionalProperties: false,
    description: `A JSON merge patch (RFC 7396) of the target envelope, at most ${MAX_PATCH_CHARS} characters as JSON.`,
  },
  // `format: uri` alone also accepts ftp:// and mailto:, which the rule refuses.
  [IS_URL]: { type: 'string', format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' },
};

/** `published`: the catalog's and OpenAPI's schemas. `checked`: what the compiled validator runs (checked-converters.ts). */
type Flavour = 'published' | 'checked';
const generated: Partial<Record<Flavour, Record<string, JsonSchema>>> = {};

/**
 * Every class-validator class loaded so far as a schema, by class name; nested classes are `$ref`s
 * into `$defs`. Generated once; again only when asked for a class loaded after that.
 */
function allClassSchemas(name: string, flavour: Flavour): Record<string, JsonSchema> {
  const known = generated[flavour];
  if (known && name in known) return known;
  return (generated[flavour] = JSON.parse(
    JSON.stringify(
      validationMetadatasToSchemas({
        classTransformerMetadataStorage: defaultMetadataStorage,
        refPointerPrefix: REF,
        additionalConverters: flavour === 'published' ? CONVERTERS : CHECKED_CONVERTERS,
      }),
    ),
  ) as Record<string, JsonSchema>);
}

/** The class and every class it nests, by name; two different classes under one name would merge in the generator. */
function reachable(root: Class, found = new Map<string, Class>()): Map<string, Class> {
  const known = found.get(root.name);
  if (known === root) return found;
  if (known) throw new Error(`two contract classes are named ${root.name}; JSON Schema definitions are keyed by class name`);
  found.set(root.name, root);
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(root, '', true, false)) {
    if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
    const nested = defaultMetadataStorage.findTypeMetadata(root, meta.propertyName)?.typeFunction() as Class | undefined;
    if (nested) reachable(nested, found);
  }
  return found;
}

/** A class's schema, closed like the validator (unknown properties are refused), checked against its own rules. */
function classSchema(name: string, cls: Class, flavour: Flavour = 'published'): JsonSchema {
  const schema = allClassSchemas(name, flavour)[name];
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const own = new Set(metas.map((m) => m.propertyName));
  const properties = Object.keys((schema?.properties as object) ?? {});
  if (!schema || properties.length !== own.size || properties.some((p) => !own.has(p))) {
    throw new Error(`the JSON Schema of ${name} does not match its class; is another class named ${name}?`);
  }
  if (flavour === 'published') return { ...schema, additionalProperties: false };
  return { ...schema, properties: nullableOptionals(schema.properties as Record<string, JsonSchema>, metas), additionalProperties: false };
}

/** @IsOptional skips every rule of a property that is null as well as absent: so does the checked schema. */
function nullableOptionals(properties: Record<string, JsonSchema>, metas: { name?: string; propertyName: string }[]): Record<string, JsonSchema> {
  const optional = new Set(metas.filter((m) => m.name === IS_OPTIONAL).map((m) => m.propertyName));
  return Object.fromEntries(Object.entries(properties).map(([p, schema]) => [p, optional.has(p) ? { if: { type: 'null' }, else: schema } : schema]));
}

function defsOf(classes: Map<string, Class>, except?: Class, flavour: Flavour = 'published'): JsonSchema {
  return Object.fromEntries([...classes].filter(([, cls]) => cls !== except).map(([name, cls]) => [name, classSchema(name, cls, flavour)]));
}

/**
 * The schema the compiled validator runs for a class (the envelope, or one type's data): the same
 * rules as the published schema, with each rule JSON Schema cannot state exactly as an `x-` keyword.
 */
export function checkedSchema(cls: Class): JsonSchema {
  return withDefs(classSchema(cls.name, cls, 'checked'), defsOf(reachable(cls), cls, 'checked'));
}

/** `$defs` only when there is something to define. */
function withDefs(schema: JsonSchema, $defs: JsonSchema): JsonSchema {
  return Object.keys($defs).length ? { ...schema, $defs } : schema;
}

/** The envelope's own schema: occurredAt also accepts a bare date, which means day precision. */
function envelopeBase(): JsonSchema {
  const base = classSchema(EnvelopeDto.name, EnvelopeDto);
  const properties = { ...(base.properties as Record<string, JsonSchema>) };
  properties.occurredAt = { anyOf: [{ $ref: `${REF}OccurredAtDto` }, { type: 'string', format: 'date' }] };
  return { ...base, properties };
}

/** The schema of any envelope: `type` is a catalog name and `data` an object checked per type. */
export function envelopeSchema(): JsonSchema {
  const base = envelopeBase();
  const properties = { ...(base.properties as Record<string, JsonSchema>), type: { type: 'string', enum: [...EVENT_TYPES] }, data: { type: 'object' } };
  const description = 'An event as it is recorded on the log. Over HTTP, leave out source.publisher: the token sets it.';
  return { $schema: DIALECT, title: 'EventEnvelope', description, ...base, properties, $defs: defsOf(reachable(EnvelopeDto), EnvelopeDto) };
}

/** The schemas of one type's data and of its envelope, generated from the class-validator rules. */
export function eventSchemas(def: EventDefinition<any>): EventSchemas {
  const dataClasses = reachable(def.dataClass);
  const data = withDefs({ $schema: DIALECT, title: def.dataClass.name, ...classSchema(def.dataClass.name, def.dataClass) }, defsOf(dataClasses, def.dataClass));

  const base = envelopeBase();
  const properties = {
    ...(base.properties as Record<string, JsonSchema>),
    type: { const: def.type },
    schemaVersion: { type: 'integer', minimum: 1, maximum: def.schemaVersion },
    data: { $ref: REF + def.dataClass.name },
  };
  const required = [...((base.required as string[]) ?? []), ...(def.requiresProposal ? ['proposalId'] : [])];
  const $defs = { ...defsOf(reachable(EnvelopeDto), EnvelopeDto), ...defsOf(dataClasses) };
  return { data, envelope: { $schema: DIALECT, title: def.type, description: def.description, ...base, properties, required, $defs } };
}

/**
 * Per event type, the JSON Schema of its data and of its envelope. It takes the definitions rather
 * than importing the catalog, because the catalog builds its entries from these schemas.
 */
export function catalogSchemas(definitions: readonly EventDefinition<any>[]): Record<string, EventSchemas> {
  return Object.fromEntries(definitions.map((def) => [def.type, eventSchemas(def)]));
}
