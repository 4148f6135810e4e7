import { foldPosition, INITIAL_STATE, openConditions, PositionInput, PositionState } from './positions.fold';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const input = (type: string, d: string, data: Record<string, unknown> = {}, eventId = `${type}-${d}`): PositionInput => ({
  eventId,
  type,
  occurredStart: day(d),
  occurredValue: d,
  occurredPrecision: 'day',
  authority: 1,
  speaker: 'putin',
  own: true,
  data,
});
const conditional = (): PositionState =>
  foldPosition(
    INITIAL_STATE,
    input('ProposalAcceptedConditionally', '2025-03-13', {
      proposalId: 'p1',
      version: 1,
      conditions: [
        { conditionId: 'kursk', text: 'Kursk withdrawal', category: 'territorial', addressedTo: ['UKR'] },
        { conditionId: 'rearm', text: 'No rearmament', category: 'military', addressedTo: ['UKR'] },
      ],
    }),
  );

describe('a party answering its own conditions', () => {
  it('supersedes its open conditions when it later rejects the proposal, naming the rejection', () => {
    const rejected = foldPosition(conditional(), input('ProposalRejected', '2025-03-20', { proposalId: 'p1' }, 'rejection-1'));
    expect(rejected.category).toBe('REJECTED');
    expect(openConditions(rejected)).toBe(0);
    expect(rejected.conditions.map((c) => [c.conditionId, c.status, c.resolvedBy, c.resolvedAt])).toEqual([
      ['kursk', 'superseded', 'rejection-1', '2025-03-20'],
      ['rearm', 'superseded', 'rejection-1', '2025-03-20'],
    ]);
  });

  it('supersedes them on a plain acceptance and on a walk-back to ACCEPTED or REJECTED, not on one to NONCOMMITTAL', () => {
    expect(openConditions(foldPosition(conditional(), input('ProposalAccepted', '2025-03-20', { proposalId: 'p1', version: 1 })))).toBe(0);
    expect(openConditions(foldPosition(conditional(), input('PositionWithdrawn', '2025-03-20', { proposalId: 'p1', newCategory: 'REJECTED' })))).toBe(0);
    expect(openConditions(foldPosition(conditional(), input('PositionWithdrawn', '2025-03-20', { proposalId: 'p1', newCategory: 'NONCOMMITTAL' })))).toBe(2);
  });

  it('leaves them open when another party rejects', () => {
    const other = { ...input('ProposalRejected', '2025-03-20', { proposalId: 'p1' }), own: false };
    expect(openConditions(foldPosition(conditional(), other))).toBe(2);
  });
});

describe('folding copy on write', () => {
  const deepFreeze = <T>(v: T): T => {
    if (v && typeof v === 'object') for (const x of Object.values(v)) deepFreeze(x);
    return Object.freeze(v);
  };

  it('gives back the state itself for an event that changes nothing', () => {
    const state = conditional();
    expect(foldPosition(state, input('StatementMade', '2025-03-14', { proposalId: 'p1', tone: 'critical' }))).toBe(state);
    expect(foldPosition(state, { ...input('ConditionResolved', '2025-03-14', { conditionId: 'unknown', resolution: 'met' }), own: false })).toBe(state);
  });

  it('never changes the state it folds from, and shares the conditions it leaves alone', () => {
    const state = deepFreeze(conditional());
    const met = foldPosition(state, { ...input('ConditionResolved', '2025-03-14', { conditionId: 'rearm', resolution: 'met' }), own: false });
    expect(met.conditions.map((c) => c.status)).toEqual(['open', 'met']);
    expect(met.conditions[0]).toBe(state.conditions[0]);
    expect(openConditions(foldPosition(state, input('ProposalRejected', '2025-03-20', { proposalId: 'p1' })))).toBe(0);
    expect(foldPosition(state, input('ConditionStated', '2025-03-20', { condition: { conditionId: 'x', text: 'X', category: 'other', addressedTo: [] } })).conditions).toHaveLength(
      3,
    );
    expect(openConditions(state)).toBe(2);
  });
});
