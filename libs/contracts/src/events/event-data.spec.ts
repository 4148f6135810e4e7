import { CATALOG } from '../catalog';
import { validateEnvelope } from '../validate';

type Data = Record<string, any>;

/** The type's example with its data changed by `change` (and the envelope by `envelope`). */
function validate(type: string, change: (data: Data) => Data, envelope: Data = {}) {
  const { example } = CATALOG[type];
  return validateEnvelope({ ...example, source: { publisher: 'test' }, ...envelope, data: change(structuredClone(example.data) as Data) });
}

const with_ = (patch: Data) => (data: Data) => ({ ...data, ...patch });
const without = (key: string) => (data: Data) => {
  delete data[key];
  return data;
};
const nested = (key: string, patch: Data) => (data: Data) => ({ ...data, [key]: { ...data[key], ...patch } });
const condition = (index: number, patch: Data) => (data: Data) => {
  data.conditions[index] = { ...data.conditions[index], ...patch };
  return data;
};

type Case = [type: string, change: (data: Data) => Data, field: string];
const titled = (cases: Case[]) => cases.map(([type, change, field]) => [type, field, change] as const);

const families: Record<string, Case[]> = {
  'registry and affiliations': [
    ['ActorRegistered', with_({ kind: 'country' }), 'data.kind'],
    ['ActorRegistered', with_({ id: 'has space' }), 'data.id'],
    ['ActorRegistered', with_({ iso3: 'ru' }), 'data.iso3'],
    ['ActorRegistered', with_({ aliases: 'Russia' }), 'data.aliases'],
    ['ActorRegistered', with_({ id: 'kremlin', kind: 'state_organ' }), 'data.principal'],
    ['ActorRegistered', with_({ flag: 'tricolour' }), 'data.flag'],
    ['AffiliationAsserted', with_({ role: 'king' }), 'data.role'],
    ['AffiliationAsserted', with_({ validFrom: '2025-02-30' }), 'data.validFrom'],
    ['AffiliationAsserted', with_({ validTo: '2017-01-19' }), 'data.validTo'],
    ['AffiliationAsserted', with_({ of: '' }), 'data.of'],
    ['AffiliationEnded', without('validTo'), 'data.validTo'],
  ],
  proposals: [
    ['ProposalMade', nested('proposal', { kind: 'truce' }), 'data.proposal.kind'],
    ['ProposalMade', nested('proposal', { terms: Array(51).fill('a term') }), 'data.proposal.terms'],
    ['ProposalMade', nested('proposal', { durationDays: 0 }), 'data.proposal.durationDays'],
    ['ProposalMade', without('proposal'), 'data.proposal'],
    ['ProposalMade', with_({ version: 0 }), 'data.version'],
    ['ProposalMade', with_({ version: 1.5 }), 'data.version'],
    ['ProposalMade', with_({ proposalId: 'us-30-day-ceasefire-2025' }), 'data.proposalId'],
    ['ProposalAmended', with_({ newVersion: 1 }), 'data.newVersion'],
    ['ProposalAmended', with_({ termsDelta: [] }), 'data.termsDelta'],
    ['ProposalAccepted', with_({ proposalKind: 'truce' }), 'data.proposalKind'],
    ['ProposalAccepted', without('version'), 'data.version'],
    ['ProposalRejected', with_({ reasons: 'it is a trap' }), 'data.reasons'],
    ['ProposalConsidered', with_({ considered: true }), 'data.considered'],
    ['PositionWithdrawn', with_({ newCategory: 'PROPOSER' }), 'data.newCategory'],
  ],
  conditions: [
    ['ProposalAcceptedConditionally', with_({ conditions: [] }), 'data.conditions'],
    ['ProposalAcceptedConditionally', condition(1, { category: 'economic' }), 'data.conditions.1.category'],
    ['ProposalAcceptedConditionally', condition(0, { addressedTo: [] }), 'data.conditions.0.addressedTo'],
    ['ProposalAcceptedConditionally', condition(2, { conditionId: 'rus-kursk-withdrawal' }), 'data.conditions'],
    ['ProposalAcceptedConditionally', with_({ conditions: [{ text: 'no id' }] }), 'data.conditions.0.conditionId'],
    ['ConditionStated', nested('condition', { conditionId: 'bad id' }), 'data.condition.conditionId'],
    ['ConditionStated', with_({ condition: 'no Western weapons' }), 'data.condition'],
    ['ConditionResolved', with_({ resolution: 'accepted' }), 'data.resolution'],
  ],
  'statements, appeals, demands, criticism': [
    ['StatementMade', with_({ tone: 'angry' }), 'data.tone'],
    ['StatementMade', with_({ text: '' }), 'data.text'],
    ['StatementMade', with_({ topics: Array(21).fill('t') }), 'data.topics'],
    ['AppealMade', with_({ kind: 'beg' }), 'data.kind'],
    ['DemandIssued', without('demand'), 'data.demand'],
    ['CriticismIssued', with_({ aboutEventIds: ['not-a-uuid'] }), 'data.aboutEventIds'],
    ['AccusationMade', with_({ text: 'x'.repeat(10001) }), 'data.text'],
  ],
  sanctions: [
    ['SanctionThreatened', nested('sanction', { kind: 'military' }), 'data.sanction.kind'],
    ['SanctionThreatened', nested('trigger', { eventType: 'ProposalRefused' }), 'data.trigger.eventType'],
    ['SanctionThreatened', nested('trigger', { party: undefined }), 'data.trigger.party'],
    ['SanctionThreatened', with_({ deadline: '2025-W12' }), 'data.deadline'],
    ['SanctionThreatened', with_({ ultimatum: 'yes' }), 'data.ultimatum'],
    ['SanctionImposed', with_({ fulfilsThreat: 'threat-1' }), 'data.fulfilsThreat'],
    ['SanctionEased', nested('sanction', { scope: undefined }), 'data.sanction.scope'],
  ],
  'meetings, ceasefires, agreements': [
    ['MeetingHeld', with_({ participants: ['putin'] }), 'data.participants'],
    ['MeetingHeld', with_({ format: 'video' }), 'data.format'],
    ['MeetingHeld', with_({ host: 'the Kremlin' }), 'data.host'],
    ['MeetingIntended', with_({ when: { value: '2025-W54', precision: 'week' } }), 'data.when'],
    ['MeetingIntended', with_({ when: { value: '2025-03', precision: 'year' } }), 'data.when.precision'],
    ['NegotiationHeld', with_({ mediator: 'Saudi Arabia' }), 'data.mediator'],
    ['CeasefireDeclared', with_({ start: '2025-03-32' }), 'data.start'],
    ['CeasefireDeclared', with_({ durationDays: 0 }), 'data.durationDays'],
    ['CeasefireViolationAlleged', without('by'), 'data.by'],
    ['AgreementSigned', with_({ stage: 'signed' }), 'data.stage'],
    ['AgreementSigned', with_({ signatories: ['USA'] }), 'data.signatories'],
  ],
  'corrections, retractions, citations': [
    ['EventCorrected', with_({ targetEventId: 'abc' }), 'data.targetEventId'],
    ['EventCorrected', with_({ patch: {} }), 'data.patch'],
    ['EventCorrected', with_({ patch: [] }), 'data.patch'],
    ['EventCorrected', with_({ patch: { eventId: '0af26946-f8d2-4fb2-babe-d0c6ebc1578b' } }), 'data.patch'],
    ['EventCorrected', with_({ patch: { type: 'ProposalRejected' } }), 'data.patch'],
    ['EventCorrected', with_({ patch: { source: { publisher: 'someone-else' } } }), 'data.patch'],
    ['EventCorrected', with_({ patch: { data: { text: 'x'.repeat(16_001) } } }), 'data.patch'],
    ['EventRetracted', with_({ reason: '' }), 'data.reason'],
    ['CitationAdded', nested('citation', { url: 'ftp://example.org/a' }), 'data.citation.url'],
    ['CitationAdded', nested('citation', { outlet: undefined }), 'data.citation.outlet'],
  ],
};

describe.each(Object.keys(families))('invalid data: %s', (family) => {
  it.each(titled(families[family]))('%s is refused at %s', (type, field, change) => {
    const result = validate(type, change);
    expect(result).toMatchObject({ ok: false, reason: 'envelope.invalid' });
    expect(result.ok ? [] : result.problems.map((p) => p.field)).toContainEqual(expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}(\\.|$)`)));
  });
});

describe('envelope rules for data', () => {
  it.each(
    Object.values(CATALOG)
      .filter((def) => def.requiresProposal)
      .map((def) => def.type),
  )('%s must name a proposalId', (type) => {
    const result = validate(type, (d) => d, { proposalId: undefined });
    expect(result).toMatchObject({ ok: false, problems: [{ field: 'proposalId' }] });
  });

  it('refuses data that is not an object', () => {
    expect(validate('ProposalConsidered', () => [] as unknown as Data)).toMatchObject({ ok: false, problems: [{ field: 'data' }] });
  });
});

describe('valid variants', () => {
  it.each<[string, (data: Data) => Data]>([
    ['ProposalConsidered (empty data)', () => ({})],
    ['ProposalConsidered', () => ({ note: 'Moscow is studying the proposal' })],
    ['ActorRegistered', () => ({ id: 'kremlin', kind: 'state_organ', name: 'Kremlin', aliases: [], principal: 'RUS' })],
    ['ActorRegistered', () => ({ id: 'us-delegation-jeddah', kind: 'delegation', name: 'US delegation in Jeddah', aliases: [], principal: 'USA', members: ['witkoff'] })],
    ['AffiliationAsserted', with_({ validTo: '2017-01-20' })],
    ['EventCorrected', with_({ patch: { reportedAt: null, data: { location: 'Riyadh' } } })],
    ['SanctionThreatened', with_({ deadline: '2025-03-31', ultimatum: true })],
    ['MeetingIntended', with_({ when: { value: '2025-W12', precision: 'week' } })],
    ['ProposalRejected', with_({ reasons: [] })],
  ])('%s', (label, change) => {
    expect(validate(label.split(' ')[0], change)).toMatchObject({ ok: true });
  });
});
