import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CATALOG } from './catalog';
import { EVENT_TYPES } from './event-types';
import { catalogSchemas, envelopeSchema, JsonSchema } from './json-schema';

const schemas = catalogSchemas(Object.values(CATALOG));
const ajv = addFormats(new Ajv2020({ allErrors: true }));
const envelopeOf = (type: string) => ajv.compile(schemas[type].envelope);
const withPublisher = (type: string) => ({ ...CATALOG[type].example, source: { publisher: 'seed-loader' } });

/** Every `$ref` in a schema. */
function refs(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(refs);
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) => (key === '$ref' ? [value as string] : refs(value)));
}

describe('catalogSchemas', () => {
  it('gives every type a data schema and an envelope schema', () => {
    expect(Object.keys(schemas)).toEqual(Object.values(CATALOG).map((d) => d.type));
    expect(Object.keys(schemas).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each([...EVENT_TYPES])('%s: closed object schemas whose required fields are those without @IsOptional', (type) => {
    const { data, envelope } = schemas[type];
    expect(data).toMatchObject({ type: 'object', additionalProperties: false, title: `${type}Data` });
    expect(envelope.required).toEqual(expect.arrayContaining(['eventId', 'type', 'schemaVersion', 'occurredAt', 'actors', 'source', 'data']));
    expect((envelope.required as string[]).includes('proposalId')).toBe(CATALOG[type].requiresProposal);
    expect(envelope.properties).toMatchObject({ type: { const: type }, data: { $ref: `#/$defs/${type}Data` } });
    if (!['ProposalConsidered', 'ProposalRejected'].includes(type)) expect((data.required as string[]).length).toBeGreaterThan(0);
  });

  it.each([...EVENT_TYPES])('%s: every $ref resolves inside its own document', (type) => {
    for (const doc of [schemas[type].data, schemas[type].envelope]) {
      for (const ref of refs(doc)) expect(((doc.$defs ?? {}) as JsonSchema)[ref.replace('#/$defs/', '')]).toBeDefined();
    }
  });

  it.each([...EVENT_TYPES])('%s: its example validates against its envelope schema', (type) => {
    const validate = envelopeOf(type);
    expect(validate(withPublisher(type)) ? [] : validate.errors).toEqual([]);
  });

  it('lists required fields per type; optional lists are not among them', () => {
    expect(schemas.StatementMade.data.required).toEqual(['text', 'tone']);
    expect(schemas.ActorRegistered.data.required).toEqual(['id', 'kind', 'name']);
    expect(schemas.ProposalMade.data.required).toEqual(['proposal', 'version']);
    expect(schemas.ConditionResolved.data.required).toEqual(['conditionId', 'resolution']);
    expect(schemas.SanctionThreatened.data.required).toEqual(['sanction']);
    expect(schemas.ProposalConsidered.data.required).toBeUndefined();
  });

  it('renders arrays of nested classes as arrays of $refs, with their bounds', () => {
    const conditions = (schemas.ProposalAcceptedConditionally.data.properties as JsonSchema).conditions;
    expect(conditions).toMatchObject({ type: 'array', items: { $ref: '#/$defs/ConditionDto' }, minItems: 1, maxItems: 20 });
    const condition = (schemas.ProposalAcceptedConditionally.data.$defs as Record<string, JsonSchema>).ConditionDto;
    expect(condition.properties).toMatchObject({
      category: { type: 'string', enum: ['territorial', 'military', 'monitoring', 'security', 'political', 'humanitarian', 'other'] },
      addressedTo: { type: 'array', items: { type: 'string', pattern: expect.any(String) }, minItems: 1, maxItems: 20 },
    });
  });

  it('renders enums and arrays of strings', () => {
    const statement = schemas.StatementMade.data.properties as JsonSchema;
    expect(statement.tone).toEqual({ type: 'string', enum: ['neutral', 'optimistic', 'pessimistic', 'accord', 'denial'] });
    expect(statement.topics).toMatchObject({ type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 20 });
    const trigger = (schemas.SanctionThreatened.data.$defs as Record<string, JsonSchema>).SanctionTriggerDto.properties as JsonSchema;
    expect(trigger.eventType).toEqual({ type: 'string', enum: [...EVENT_TYPES] });
  });

  it.each<[string, (data: Record<string, any>) => unknown]>([
    ['ProposalMade', (d) => ({ ...d, proposal: { ...d.proposal, kind: 'truce' } })],
    ['ProposalMade', (d) => ({ ...d, proposalId: 'p' })],
    ['ProposalAcceptedConditionally', (d) => ({ ...d, conditions: [{ ...d.conditions[0], addressedTo: [] }] })],
    ['MeetingHeld', (d) => ({ ...d, participants: ['putin'] })],
    ['AffiliationAsserted', (d) => ({ ...d, validFrom: 'last week' })],
    ['EventCorrected', (d) => ({ ...d, patch: { eventId: d.targetEventId } })],
    ['CitationAdded', (d) => ({ ...d, citation: { ...d.citation, url: 'not a url' } })],
  ])('%s: the schema refuses what the validator refuses (%#)', (type, change) => {
    const example = withPublisher(type);
    expect(envelopeOf(type)({ ...example, data: change(example.data as Record<string, any>) })).toBe(false);
  });

  it('refuses an envelope without its proposal when the type requires one', () => {
    const { proposalId: _dropped, ...example } = withPublisher('ProposalAccepted');
    expect(envelopeOf('ProposalAccepted')(example)).toBe(false);
  });
});

describe('envelopeSchema', () => {
  const validate = ajv.compile(envelopeSchema());

  it('accepts every example, whatever its type', () => {
    for (const type of EVENT_TYPES) expect([type, validate(withPublisher(type))]).toEqual([type, true]);
  });

  it('accepts a bare date as occurredAt and refuses unknown types and CAMEO codes', () => {
    const example = withPublisher('StatementMade');
    expect(validate({ ...example, occurredAt: '2025-03-14' })).toBe(true);
    expect(validate({ ...example, type: 'TreatyRatified' })).toBe(false);
    expect(validate({ ...example, codes: { cameo: '0357', goldstein: 1 } })).toBe(false);
    expect(validate({ ...example, codes: { cameo: '0356', goldstein: 7 } })).toBe(true);
  });
});
