import { CATALOG } from './catalog';
import { validateEnvelope } from './validate';

const example = (type: string): any => structuredClone({ ...CATALOG[type].example, source: { publisher: 'test-desk' } });
const problems = (envelope: unknown) => {
  const result = validateEnvelope(envelope);
  return result.ok ? [] : result.problems;
};
const withData = (type: string, change: (data: any) => void) => {
  const envelope = example(type);
  change(envelope.data);
  return envelope;
};

describe('validateEnvelope says what is wrong, one problem each, at the field itself', () => {
  it('a missing field is required', () => {
    expect(problems(withData('StatementMade', (d) => delete d.text))).toEqual([{ field: 'data.text', message: 'data.text is required' }]);
  });

  it('a wrong type names the expected type', () => {
    expect(problems(withData('StatementMade', (d) => (d.topics = 'a')))).toEqual([{ field: 'data.topics', message: 'data.topics must be an array' }]);
  });

  it('an unknown field is not allowed', () => {
    expect(problems(withData('StatementMade', (d) => (d.mood = 'calm')))).toEqual([
      { field: 'data.mood', message: 'data.mood is not allowed: there is no such field here (see GET /v1/catalog)' },
    ]);
  });

  it('an enum lists the allowed values', () => {
    expect(problems(withData('StatementMade', (d) => (d.tone = 'angry')))).toEqual([
      { field: 'data.tone', message: 'data.tone must be one of: neutral, optimistic, pessimistic, accord, denial' },
    ]);
  });

  it('names every problem of one envelope, envelope and data together', () => {
    const envelope = withData('StatementMade', (d) => delete d.text);
    delete envelope.actors;
    expect(problems(envelope).map((p) => p.field)).toEqual(['actors', 'data.text']);
  });

  it('refuses an http URL with another protocol, as the contract class does', () => {
    const envelope = example('CitationAdded');
    envelope.data.citation.url = 'ftp://example.org/report';
    expect(problems(envelope)).toEqual([{ field: 'data.citation.url', message: 'data.citation.url must be an http or https URL' }]);
  });

  it('an organ must name its principal', () => {
    expect(problems(withData('ActorRegistered', (d) => (d.kind = 'state_organ')))).toEqual([{ field: 'data.principal', message: 'data.principal is required' }]);
  });
});

describe('lists that mean nothing when empty may be left out', () => {
  it.each<[string, string]>([
    ['StatementMade', 'topics'],
    ['ActorRegistered', 'aliases'],
    ['ProposalRejected', 'reasons'],
  ])('%s without %s is valid', (type, field) => {
    expect(validateEnvelope(withData(type, (d) => delete d[field]))).toMatchObject({ ok: true });
  });

  it('ProposalMade without terms is valid', () => {
    expect(validateEnvelope(withData('ProposalMade', (d) => delete d.proposal.terms))).toMatchObject({ ok: true });
  });
});
