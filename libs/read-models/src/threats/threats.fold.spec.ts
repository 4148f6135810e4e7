import { randomUUID } from 'node:crypto';
import { Draft, resolvedFacts } from '../__tests__/resolved-facts';
import { threatRows } from './threats.fold';

const registry: Draft[] = [
  { type: 'AffiliationAsserted', occurredAt: '2000-05-07', actors: [{ actorId: 'RUS' }], data: { person: 'putin', of: 'RUS', role: 'head_of_state', validFrom: '2000-05-07' } },
  { type: 'AffiliationAsserted', occurredAt: '2025-01-20', actors: [{ actorId: 'USA' }], data: { person: 'trump', of: 'USA', role: 'head_of_state', validFrom: '2025-01-20' } },
  { type: 'AffiliationAsserted', occurredAt: '2019-05-20', actors: [{ actorId: 'UKR' }], data: { person: 'zelensky', of: 'UKR', role: 'head_of_state', validFrom: '2019-05-20' } },
  { type: 'ActorRegistered', occurredAt: '2025-01-01', actors: [{ actorId: 'RUS' }], data: { id: 'analyst', kind: 'commentator', name: 'An analyst' } },
];

const THREAT = randomUUID();
/** Trump threatens RUS with sanctions on 12 March should RUS reject p1 (or any proposal, when `proposalId` is null). */
const threat = (trigger: Record<string, unknown> = { party: 'RUS', eventType: 'ProposalRejected', proposalId: 'p1' }, extra: Partial<Draft> = {}): Draft => ({
  eventId: THREAT,
  type: 'SanctionThreatened',
  occurredAt: '2025-03-12',
  actors: [{ actorId: 'trump' }],
  recipients: [{ actorId: 'RUS' }],
  proposalId: 'p1',
  data: { sanction: { kind: 'economic', scope: 'more' }, trigger, deadline: '2025-04-30' },
  ...extra,
});
const act = (type: string, day: string, actorId: string, proposalId = 'p1', extra: Partial<Draft> = {}): Draft => ({
  eventId: randomUUID(),
  type,
  occurredAt: day,
  actors: [{ actorId }],
  proposalId,
  data: type === 'ProposalAccepted' ? { version: 1 } : {},
  ...extra,
});
const imposed = (day: string, fulfilsThreat: string = THREAT): Draft => ({
  eventId: randomUUID(),
  type: 'SanctionImposed',
  occurredAt: day,
  actors: [{ actorId: 'USA' }],
  recipients: [{ actorId: 'RUS' }],
  data: { sanction: { kind: 'economic', scope: 'more' }, fulfilsThreat },
});

/** The threats_v1 rows of these events, the registry before them. */
const rows = (...drafts: Draft[]) => threatRows(resolvedFacts([...registry, ...drafts]));
const triggeredBy = (...drafts: Draft[]) => rows(...drafts)[0].triggered_by;

describe('threat rules (threats.fold)', () => {
  it('writes an armed threat: by the actor’s principal, against the recipients’, with its trigger, deadline and dates', () => {
    expect(rows(threat())).toEqual([
      {
        threat_id: THREAT,
        by_party: 'USA',
        against: ['RUS'],
        sanction: { kind: 'economic', scope: 'more' },
        trigger_party: 'RUS',
        trigger_type: 'ProposalRejected',
        trigger_proposal: 'p1',
        deadline: '2025-04-30',
        ultimatum: false,
        proposal_id: 'p1',
        occurred_value: '2025-03-12',
        occurred_start: '2025-03-12T00:00:00.000Z',
        triggered_by: null,
        triggered_start: null,
        executed_by: null,
        executed_start: null,
      },
    ]);
  });

  it('is by the most authoritative counted actor, against every counted recipient principal once', () => {
    const row = rows(
      threat(undefined, {
        actors: [{ actorId: 'analyst' }, { actorId: 'witkoff', capacity: 'special_envoy', onBehalfOf: 'USA' }, { actorId: 'zelensky' }],
        recipients: [{ actorId: 'putin' }, { actorId: 'RUS' }, { actorId: 'nobody' }],
      }),
    )[0];
    expect([row.by_party, row.against]).toEqual(['UKR', ['RUS']]);
  });

  it('is triggered by the first act in fold order at or after the threat, whatever order the log has them in', () => {
    const before = act('ProposalRejected', '2025-03-11', 'RUS');
    const late = act('ProposalRejected', '2025-03-20', 'putin');
    const early = act('ProposalRejected', '2025-03-18', 'RUS');
    expect(triggeredBy(before, threat(), late, early)).toBe(early.eventId);
    const sameDay = act('ProposalRejected', '2025-03-12', 'RUS');
    expect(triggeredBy(late, threat(), sameDay)).toBe(sameDay.eventId);
    const row = rows(threat(), early)[0];
    expect(row.triggered_start).toBe('2025-03-18T00:00:00.000Z');
  });

  it('is triggered only by the trigger party doing the trigger act, on the trigger proposal when one is named', () => {
    expect(triggeredBy(threat(), act('ProposalRejected', '2025-03-20', 'USA'))).toBeNull();
    expect(triggeredBy(threat(), act('ProposalRejected', '2025-03-20', 'analyst'))).toBeNull();
    expect(triggeredBy(threat(), act('ProposalAccepted', '2025-03-20', 'RUS'))).toBeNull();
    const other = act('ProposalRejected', '2025-03-20', 'RUS', 'p2');
    expect(triggeredBy(threat(), other)).toBeNull();
    expect(triggeredBy(threat({ party: 'RUS', eventType: 'ProposalRejected' }), other)).toBe(other.eventId);
    // The first on the named proposal, past earlier acts on others; any proposal's first when none is named.
    const onP1 = act('ProposalRejected', '2025-03-22', 'RUS');
    expect(triggeredBy(threat(), onP1, other)).toBe(onP1.eventId);
    expect(triggeredBy(threat({ party: 'RUS', eventType: 'ProposalRejected' }), onP1, other)).toBe(other.eventId);
  });

  it('ignores negated acts', () => {
    const denied = act('ProposalRejected', '2025-03-15', 'RUS', 'p1', { modality: { negated: true } });
    const real = act('ProposalRejected', '2025-03-20', 'RUS');
    expect(triggeredBy(threat(), denied)).toBeNull();
    expect(triggeredBy(threat(), denied, real)).toBe(real.eventId);
  });

  it('is executed by the first SanctionImposed in fold order that fulfils it, triggered or not', () => {
    const april = imposed('2025-04-15');
    const march = imposed('2025-03-30');
    const row = rows(threat(), april, march, imposed('2025-03-01', randomUUID()))[0];
    expect([row.triggered_by, row.executed_by, row.executed_start]).toEqual([null, march.eventId, '2025-03-30T00:00:00.000Z']);
  });

  it('writes a threat without a trigger, and one row per threat', () => {
    const second = { ...threat(undefined, { eventId: randomUUID(), occurredAt: '2025-03-13' }), data: { sanction: { kind: 'diplomatic', scope: 'envoys' }, ultimatum: true } };
    const [first, unconditional] = rows(threat(), act('ProposalRejected', '2025-03-20', 'RUS'), second);
    expect(first.triggered_by).not.toBeNull();
    expect(unconditional).toMatchObject({
      threat_id: second.eventId,
      trigger_party: null,
      trigger_type: null,
      trigger_proposal: null,
      triggered_by: null,
      ultimatum: true,
      deadline: null,
    });
  });
});
