import { PositionState, sameState } from './positions.fold';
import { foldSteps, PairInput } from './position-refold';

const PAIR = { party: 'RUS', proposalId: 'p1' };
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
let offset = 0;
const event = (type: string, d: string, data: Record<string, unknown> = {}, own = true): PairInput => {
  offset += 1;
  return {
    occurredStart: day(d),
    precisionRank: 1,
    authority: own ? 1 : null,
    reportedAt: null,
    partition: 0,
    offset: String(offset),
    eventId: `00000000-0000-0000-0000-${String(offset).padStart(12, '0')}`,
    own,
    speaker: own ? 'putin' : null,
    type,
    effective: { occurredAt: { value: d, precision: 'day' }, data: { proposalId: 'p1', ...data } },
    recordedAt: '2025-04-01T00:00:00.000Z',
  };
};
const condition = (conditionId: string) => ({ conditionId, text: `${conditionId} first`, category: 'territorial', addressedTo: ['UKR'] });

/** A week of RUS on p1: half the steps leave the state as it was. */
const week = () => [
  event('ProposalAcceptedConditionally', '2025-03-13', { version: 1, conditions: [condition('kursk'), condition('rearm')] }),
  event('StatementMade', '2025-03-14', { tone: 'critical' }),
  event('ConditionResolved', '2025-03-15', { conditionId: 'kursk', resolution: 'met' }, false),
  event('ProposalConsidered', '2025-03-16'),
  event('ConditionResolved', '2025-03-17', { conditionId: 'nobody-stated-this', resolution: 'met' }, false),
  event('ProposalAccepted', '2025-03-18', { version: 1 }),
  event('StatementMade', '2025-03-19', { tone: 'neutral' }),
];

/** What a row's state looks like read back from jsonb: keys reordered (shorter first, then bytewise). */
const viaJsonb = (v: unknown): any => {
  if (Array.isArray(v)) return v.map(viaJsonb);
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.filter((k) => (v as any)[k] !== undefined).map((k) => [k, viaJsonb((v as any)[k])]));
};
/** The state after step i: the last one stored at or before it, as every reader takes it. */
const stateAt = (history: { state: PositionState | null }[], i: number) =>
  history
    .slice(0, i + 1)
    .reverse()
    .find((h) => h.state !== null)!.state!;

describe('history steps store the full state only where it changes', () => {
  it('stores it on the first step and on steps that change it; NULL on the others', () => {
    const { history } = foldSteps(PAIR, week());
    expect(history.map((h) => [h.event_type, h.state === null ? 'same' : 'stored', h.category, h.changed])).toEqual([
      ['ProposalAcceptedConditionally', 'stored', 'CONDITIONAL', true],
      ['StatementMade', 'same', 'CONDITIONAL', false],
      ['ConditionResolved', 'stored', 'CONDITIONAL', true],
      ['ProposalConsidered', 'same', 'CONDITIONAL', false],
      ['ConditionResolved', 'same', 'CONDITIONAL', false],
      ['ProposalAccepted', 'stored', 'ACCEPTED', true],
      ['StatementMade', 'same', 'ACCEPTED', false],
    ]);
    // The step's own columns are on every row, whatever its state column holds.
    expect(history.map((h) => [h.score, h.open_conditions])).toEqual([
      [0.3, 2],
      [0.3, 2],
      [0.4, 1],
      [0.4, 1],
      [0.4, 1],
      [1, 0],
      [1, 0],
    ]);
  });

  it('stores the first step even when it changes nothing (a pair has a state to start from at its first step)', () => {
    const { history } = foldSteps(PAIR, [event('ConditionResolved', '2025-03-10', { conditionId: 'x', resolution: 'met' }, false), ...week()]);
    expect(history[0].state).toMatchObject({ category: 'UNKNOWN', conditions: [] });
    expect(history[1].state).not.toBeNull();
  });

  it('re-folded from any insertion point, restarting from the last stored state, gives the same rows as one fold', () => {
    const events = week();
    const whole = foldSteps(PAIR, events);
    for (let k = 1; k < events.length; k++) {
      const before = foldSteps(PAIR, events.slice(0, k)).history;
      const restart = viaJsonb(stateAt(before, k - 1)) as PositionState;
      const after = foldSteps(PAIR, events.slice(k), restart);
      expect(viaJsonb([...before, ...after.history])).toEqual(viaJsonb(whole.history));
      expect(viaJsonb(after.current)).toEqual(viaJsonb(whole.current));
    }
  });

  it('re-folds a late report inserted before unchanged steps: the chain after it is rebuilt against the new states', () => {
    const events = week();
    const late = event('ConditionResolved', '2025-03-13', { conditionId: 'rearm', resolution: 'waived' }, false);
    const whole = foldSteps(PAIR, [...events, late]).history;
    // In fold order the late report is step 2 (another party's voice: after the acceptance of the
    // same day): step 3 (StatementMade) still stores nothing, and later steps hold the new chain.
    expect(whole.map((h) => h.state === null)).toEqual([false, false, true, false, true, true, false, true]);
    const restart = viaJsonb(stateAt(whole, 0)) as PositionState;
    const refolded = foldSteps(PAIR, [late, ...events.slice(1)], restart).history;
    expect(viaJsonb([whole[0], ...refolded])).toEqual(viaJsonb(whole));
    expect(stateAt(whole, 7).conditions.map((c) => c.status)).toEqual(['met', 'waived']);
  });

  it('leaves the states it folds from untouched (steps share what they do not change)', () => {
    const { history } = foldSteps(PAIR, week());
    const first = JSON.stringify(history[0].state);
    foldSteps(PAIR, week().slice(1), history[0].state);
    expect(JSON.stringify(history[0].state)).toBe(first);
  });
});

describe('sameState', () => {
  it('compares as jsonb does: key order aside, an undefined property absent', () => {
    const state = foldSteps(PAIR, week()).history[0].state!;
    expect(sameState(state, viaJsonb(state))).toBe(true);
    expect(sameState(state, { ...state, extra: undefined } as PositionState)).toBe(true);
    expect(sameState(state, { ...state, sinceValue: null })).toBe(false);
    expect(sameState(state, { ...state, conditions: [state.conditions[0], { ...state.conditions[1], text: 'changed' }] })).toBe(false);
  });
});
