import { foldPosition, INITIAL_STATE, openConditions, PositionInput, PositionState } from './position-fold';

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
