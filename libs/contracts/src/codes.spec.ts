import { CATALOG } from './catalog';
import { effectiveCodes, impliedCodes } from './codes';
import { EventEnvelope } from './envelope';

/** The example of `type` with `data` replaced, as a recorded envelope. */
function example(type: string, data?: object): EventEnvelope {
  const def = CATALOG[type];
  return { ...def.example, source: { publisher: 'test' }, data: data ?? def.example.data } as EventEnvelope;
}

const condition = (category: string) => ({ conditionId: `c-${category}`, text: 'a condition', category, addressedTo: ['UKR'] });

describe('default codes (DOMAIN.md §3)', () => {
  it.each([
    ['StatementMade', { text: 't', tone: 'neutral', topics: [] }, '010', 0],
    ['StatementMade', { text: 't', tone: 'optimistic', topics: [] }, '013', 0.4],
    ['StatementMade', { text: 't', tone: 'pessimistic', topics: [] }, '012', -0.4],
    ['StatementMade', { text: 't', tone: 'accord', topics: [] }, '019', 3.4],
    ['StatementMade', { text: 't', tone: 'denial', topics: [] }, '016', -2.0],
    ['ProposalMade', { proposal: { title: 't', kind: 'ceasefire', terms: [] }, version: 1 }, '0256', -0.3],
    ['ProposalMade', { proposal: { title: 't', kind: 'ceasefire', terms: [] }, version: 1, thirdParty: true }, '0256', -0.3],
    ['ProposalMade', { proposal: { title: 't', kind: 'peace_plan', terms: [] }, version: 1, thirdParty: true }, '027', 4.0],
    ['ProposalMade', { proposal: { title: 't', kind: 'peace_plan', terms: [] }, version: 1 }, '020', 3.0],
    ['ProposalMade', { proposal: { title: 't', kind: 'talks', terms: [] }, version: 1, thirdParty: false }, '020', 3.0],
    ['ProposalAmended', { newVersion: 2, termsDelta: ['x'] }, '020', 3.0],
    ['ProposalAccepted', { version: 1, proposalKind: 'ceasefire' }, '0356', 7.0],
    ['ProposalAccepted', { version: 1, proposalKind: 'peace_plan' }, '032', 4.5],
    ['ProposalAccepted', { version: 1 }, '032', 4.5],
    ['ProposalAcceptedConditionally', { version: 1, proposalKind: 'ceasefire', conditions: [condition('military')] }, '0356', 7.0],
    ['ProposalAcceptedConditionally', { version: 1, conditions: [condition('military')] }, '032', 4.5],
    ['ConditionStated', { condition: condition('territorial') }, '1056', -5.0],
    ['ConditionStated', { condition: condition('military') }, '1056', -5.0],
    ['ConditionStated', { condition: condition('security') }, '1042', -5.0],
    ['ConditionStated', { condition: condition('political') }, '1042', -5.0],
    ['ConditionStated', { condition: condition('monitoring') }, '100', -5.0],
    ['ConditionStated', { condition: condition('humanitarian') }, '100', -5.0],
    ['ConditionStated', { condition: condition('other') }, '100', -5.0],
    ['ProposalRejected', { reasons: [], proposalKind: 'ceasefire' }, '1246', -4.0],
    ['ProposalRejected', { reasons: [], proposalKind: 'peace_plan' }, '127', -5.0],
    ['ProposalRejected', { reasons: [], proposalKind: 'talks' }, '120', -4.0],
    ['ProposalRejected', { reasons: [] }, '120', -4.0],
    ['ProposalConsidered', {}, '014', 0],
    ['AppealMade', { ask: 'a' }, '020', 3.0],
    ['AppealMade', { ask: 'a', kind: 'general' }, '020', 3.0],
    ['AppealMade', { ask: 'a', kind: 'yield' }, '025', -0.3],
    ['AppealMade', { ask: 'a', kind: 'de_escalation' }, '0256', -0.3],
    ['AppealMade', { ask: 'a', kind: 'negotiate' }, '026', 4.0],
    ['DemandIssued', { demand: 'd' }, '100', -5.0],
    ['CriticismIssued', { text: 't' }, '111', -2.0],
    ['AccusationMade', { text: 't' }, '112', -2.0],
    ['SanctionThreatened', { sanction: { kind: 'economic', scope: 's' } }, '1312', -5.8],
    ['SanctionThreatened', { sanction: { kind: 'economic', scope: 's' }, ultimatum: false }, '1312', -5.8],
    ['SanctionThreatened', { sanction: { kind: 'economic', scope: 's' }, ultimatum: true }, '139', -7.0],
    ['SanctionImposed', { sanction: { kind: 'aid', scope: 's' } }, '163', -8.0],
    ['SanctionEased', { sanction: { kind: 'aid', scope: 's' } }, '085', 7.0],
    ['MeetingIntended', { participants: ['a', 'b'] }, '036', 4.0],
    ['MeetingHeld', { participants: ['a', 'b'], format: 'visit' }, '042', 1.9],
    ['MeetingHeld', { participants: ['a', 'b'], format: 'host' }, '043', 2.8],
    ['MeetingHeld', { participants: ['a', 'b'], format: 'third_location' }, '044', 2.5],
    ['MeetingHeld', { participants: ['a', 'b'], format: 'phone' }, '041', 1.0],
    ['MeetingHeld', { participants: ['a', 'b', 'c'], format: 'multilateral' }, '040', 1.0],
    ['NegotiationHeld', { participants: ['a', 'b'] }, '046', 7.0],
    ['CeasefireDeclared', { scope: 's', start: '2025-03-18' }, '0871', 9.0],
    ['CeasefireViolationAlleged', { by: 'UKR' }, '1123', -2.0],
    ['AgreementSigned', { agreementId: 'a', stage: 'final', signatories: ['a', 'b'] }, '057', 8.0],
  ])('%s %j → %s (%d)', (type, data, cameo, goldstein) => {
    expect(effectiveCodes(example(type, data))).toEqual({ cameo, goldstein });
  });

  it.each(['ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded', 'ConditionResolved', 'PositionWithdrawn', 'EventCorrected', 'EventRetracted', 'CitationAdded'])(
    '%s is not coded',
    (type) => {
      expect(effectiveCodes(example(type))).toBeUndefined();
    },
  );

  it("prefers the publisher's codes", () => {
    const event = { ...example('StatementMade'), codes: { cameo: '018', goldstein: 3.4 } };
    expect(effectiveCodes(event)).toEqual({ cameo: '018', goldstein: 3.4 });
  });
});

describe('implied codes', () => {
  it("code each condition of Putin's conditional acceptance as a demand, by category", () => {
    expect(impliedCodes(example('ProposalAcceptedConditionally'))).toEqual([
      { cameo: '1056', goldstein: -5 }, // Kursk withdrawal, territorial
      { cameo: '1056', goldstein: -5 }, // no rearmament, military
      { cameo: '100', goldstein: -5 }, // front-line supervision, monitoring
      { cameo: '1042', goldstein: -5 }, // root causes, security
    ]);
  });

  it('are none for other types', () => {
    expect(impliedCodes(example('ProposalAccepted'))).toEqual([]);
    expect(impliedCodes(example('ConditionStated'))).toEqual([]);
  });
});
