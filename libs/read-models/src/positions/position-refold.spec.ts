import { PositionState, sameShown, sameState } from './positions.fold';
import { foldOnto, foldSteps, PairInput, STATE_EVERY } from './position-refold';

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

/** A party that changes its mind every day: every step changes the state. */
const flipping = (n: number) =>
  Array.from({ length: n }, (_, i) => event(i % 2 ? 'ProposalRejected' : 'ProposalAccepted', `2025-04-${String(i + 1).padStart(2, '0')}`, { version: 1 }));

/** What a row's state looks like read back from jsonb: keys reordered (shorter first, then bytewise). */
const viaJsonb = (v: unknown): any => {
  if (Array.isArray(v)) return v.map(viaJsonb);
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.filter((k) => (v as any)[k] !== undefined).map((k) => [k, viaJsonb((v as any)[k])]));
};
/** The index of the last step that stores its state. */
const lastStored = (history: { state: PositionState | null }[]) => history.map((h) => h.state !== null).lastIndexOf(true);
/** The state after step i when every change is stored: the last one stored at or before it. */
const stateAt = (history: { state: PositionState | null }[], i: number) =>
  history
    .slice(0, i + 1)
    .reverse()
    .find((h) => h.state !== null)!.state!;

describe('history steps, storing the state on every change (every = 1, as a knownAt query stores them)', () => {
  it('stores it on the first step and on steps that change it; NULL on the others', () => {
    const { history } = foldSteps(PAIR, week(), null, { every: 1 });
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
    const { history } = foldSteps(PAIR, [event('ConditionResolved', '2025-03-10', { conditionId: 'x', resolution: 'met' }, false), ...week()], null, { every: 1 });
    expect(history[0].state).toMatchObject({ category: 'UNKNOWN', conditions: [] });
    expect(history[1].state).not.toBeNull();
  });

  it('re-folded from any insertion point, restarting from the last stored state before it, gives the same rows as one fold', () => {
    const events = [...week(), ...flipping(2 * STATE_EVERY + 2)];
    for (const every of [1, 2, 3, STATE_EVERY]) {
      const whole = foldSteps(PAIR, events, null, { every });
      for (let k = 1; k < events.length; k++) {
        const before = whole.history.slice(0, k);
        const stored = lastStored(before);
        const restart = viaJsonb(before[stored].state) as PositionState;
        // As refoldPairs does it: the events after the stored step folded again, rows from the insertion point on.
        const after = foldSteps(PAIR, events.slice(stored + 1), restart, { emitFrom: events[k], every });
        expect([every, k, viaJsonb([...before, ...after.history])]).toEqual([every, k, viaJsonb(whole.history)]);
        expect(viaJsonb(after.current)).toEqual(viaJsonb(whole.current));
      }
    }
  });

  it('re-folds a late report inserted before unchanged steps: the chain after it is rebuilt against the new states', () => {
    const events = week();
    const late = event('ConditionResolved', '2025-03-13', { conditionId: 'rearm', resolution: 'waived' }, false);
    const whole = foldSteps(PAIR, [...events, late], null, { every: 1 }).history;
    // In fold order the late report is step 2 (another party's voice: after the acceptance of the
    // same day): step 3 (StatementMade) still stores nothing, and later steps hold the new chain.
    expect(whole.map((h) => h.state === null)).toEqual([false, false, true, false, true, true, false, true]);
    const restart = viaJsonb(stateAt(whole, 0)) as PositionState;
    const refolded = foldSteps(PAIR, [late, ...events.slice(1)], restart, { every: 1 }).history;
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

describe('history steps store the full state on the first step and on every STATE_EVERY-th change', () => {
  it('stores the first step, then every STATE_EVERY-th change counted from the last one stored; unchanged steps do not count', () => {
    const changes = flipping(2 * STATE_EVERY + 2);
    expect(foldSteps(PAIR, changes).history.flatMap((h, i) => (h.state ? [i] : []))).toEqual([0, STATE_EVERY, 2 * STATE_EVERY]);
    // A StatementMade after an acceptance changes nothing: the count skips it.
    const mixed = [changes[0], event('StatementMade', '2025-04-01', { tone: 'critical' }), ...changes.slice(1, STATE_EVERY + 1)];
    expect(foldSteps(PAIR, mixed).history.flatMap((h, i) => (h.state ? [i] : []))).toEqual([0, STATE_EVERY + 1]);
  });

  it('the state at any step is the last stored one with the steps after it folded again (what a query does)', () => {
    const events = [...flipping(STATE_EVERY + 3), ...week()].sort((a, b) => a.occurredStart - b.occurredStart);
    const sparse = foldSteps(PAIR, events).history;
    const every = foldSteps(PAIR, events, null, { every: 1 }).history;
    for (let i = 0; i < events.length; i++) {
      const stored = lastStored(sparse.slice(0, i + 1));
      const state = foldOnto(viaJsonb(sparse[stored].state) as PositionState, events.slice(stored + 1, i + 1));
      expect([i, viaJsonb(state)]).toEqual([i, viaJsonb(stateAt(every, i))]);
    }
  });
});

describe('sameShown', () => {
  it('compares what a step shows as jsonb does, and nothing else', () => {
    const state = foldSteps(PAIR, week()).history[0].state!;
    expect(sameShown(state, viaJsonb(state))).toBe(true);
    expect(sameShown(state, { ...state, voices: [], basisEventId: 'another', sinceValue: null })).toBe(true);
    expect(sameShown(state, { ...state, contested: !state.contested })).toBe(false);
    expect(sameShown(state, { ...state, version: 2 })).toBe(false);
    expect(sameShown(state, { ...state, conditions: [state.conditions[0], { ...state.conditions[1], status: 'met' }] })).toBe(false);
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
