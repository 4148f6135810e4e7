import { ConditionDto, ConditionResolution, Modality, Precision } from '@ledger/contracts';

/** Where a party stands on a proposal (DOMAIN.md §4). */
export const CATEGORIES = ['UNKNOWN', 'NONCOMMITTAL', 'CONDITIONAL', 'ACCEPTED', 'PROPOSER', 'REJECTED'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The scoring policy these rules implement; a new policy is a full replay into a new projection. */
export const POLICY_VERSION = 1;

/** Authoritative voices of one principal that disagree within this many days mark the stance contested. */
export const CONTEST_WINDOW_DAYS = 3;
const DAY = 86_400_000;

export interface ConditionState {
  conditionId: string;
  text: string;
  category: string;
  addressedTo: string[];
  status: 'open' | ConditionResolution;
  /** The event that stated it, who spoke (person or actor id), and when (valid time). */
  statedBy: string;
  statedByActor: string;
  statedAt: string;
  resolvedBy: string | null;
  resolvedAt: string | null;
}

/** A category-setting act by an authoritative voice, kept while it can still contest a later one. */
interface VoiceRecord {
  eventId: string;
  day: number;
  speaker: string;
  category: Category;
}

/** The fold's state for one (party, proposal). Plain JSON: it is stored with every history step. */
export interface PositionState {
  category: Category;
  /** The proposal version the stance refers to. */
  version: number | null;
  conditions: ConditionState[];
  /** The last explicit event that set the category. */
  basisEventId: string | null;
  basisDay: number | null;
  basisAuthority: number | null;
  contested: boolean;
  /** When the current category began (valid time of the event that set it). */
  sinceValue: string | null;
  sincePrecision: Precision | null;
  sinceStart: number | null;
  voices: VoiceRecord[];
}

/** One event as the position fold sees it, already resolved to this party's voice. */
export interface PositionInput {
  eventId: string;
  type: string;
  occurredStart: number;
  occurredValue: string;
  occurredPrecision: Precision;
  /** The voice's authority (1 highest); null when unknown. */
  authority: number | null;
  /** Who spoke (person or actor id), to tell different voices of one principal apart. */
  speaker: string;
  /** Whether this party is among the event's own actors (false: a ConditionResolved by another party). */
  own: boolean;
  modality?: Modality;
  data: Record<string, any>;
}

export const INITIAL_STATE: PositionState = Object.freeze({
  category: 'UNKNOWN',
  version: null,
  conditions: [],
  basisEventId: null,
  basisDay: null,
  basisAuthority: null,
  contested: false,
  sinceValue: null,
  sincePrecision: null,
  sinceStart: null,
  voices: [],
}) as PositionState;

/** The score of a state: +1 proposer/accepted, conditional 0.5 − 0.1 per open condition (≥ 0.1), 0, −1, null. */
export function scoreOf(state: Pick<PositionState, 'category' | 'conditions'>): number | null {
  switch (state.category) {
    case 'PROPOSER':
    case 'ACCEPTED':
      return 1;
    case 'CONDITIONAL':
      return Math.max(1, 5 - openConditions(state)) / 10;
    case 'NONCOMMITTAL':
      return 0;
    case 'REJECTED':
      return -1;
    default:
      return null;
  }
}

export function openConditions(state: Pick<PositionState, 'conditions'>): number {
  return state.conditions.filter((c) => c.status === 'open').length;
}

/**
 * Folds one event into a position. Pure: the same state and input always give the same result;
 * no clock, no I/O. Events arrive in the total order of DOMAIN.md §4.
 */
export function foldPosition(state: PositionState, input: PositionInput): PositionState {
  if (input.modality?.negated || input.modality?.hypothetical) return state;
  const next: PositionState = { ...state, conditions: state.conditions.map((c) => ({ ...c })) };
  const intended = applyConditions(next, input);
  return intended === null ? next : setCategory(next, input, intended);
}

/** Applies the event's conditions and answers the category it asks for (null: none). */
function applyConditions(s: PositionState, e: PositionInput): Category | null {
  const d = e.data;
  switch (e.type) {
    case 'ProposalMade':
      return e.own ? 'PROPOSER' : null;
    case 'ProposalAccepted':
    case 'CeasefireDeclared':
    case 'AgreementSigned':
      if (!e.own) return null;
      supersedeOpen(s, e);
      return 'ACCEPTED';
    case 'ProposalAcceptedConditionally':
      if (!e.own) return null;
      for (const c of (d.conditions ?? []) as ConditionDto[]) addCondition(s, c, e);
      return 'CONDITIONAL';
    case 'ConditionStated':
      if (!e.own) return null;
      addCondition(s, d.condition as ConditionDto, e);
      return s.category === 'ACCEPTED' ? 'CONDITIONAL' : null;
    case 'ConditionResolved': {
      const c = s.conditions.find((x) => x.conditionId === d.conditionId && x.status === 'open');
      if (c) Object.assign(c, { status: d.resolution, resolvedBy: e.eventId, resolvedAt: e.occurredValue });
      return null;
    }
    case 'ProposalRejected':
      if (!e.own) return null;
      supersedeOpen(s, e);
      return 'REJECTED';
    case 'ProposalConsidered':
      return e.own && s.category === 'UNKNOWN' ? 'NONCOMMITTAL' : null;
    case 'StatementMade':
      return e.own && d.tone === 'neutral' && s.category === 'UNKNOWN' ? 'NONCOMMITTAL' : null;
    case 'PositionWithdrawn':
      if (!e.own) return null;
      if (d.newCategory === 'ACCEPTED' || d.newCategory === 'REJECTED') supersedeOpen(s, e);
      return d.newCategory as Category;
    default:
      return null;
  }
}

/** A plain acceptance or a rejection answers the party's own open conditions: superseded, by that event. */
function supersedeOpen(s: PositionState, e: PositionInput): void {
  for (const c of s.conditions) if (c.status === 'open') Object.assign(c, { status: 'superseded', resolvedBy: e.eventId, resolvedAt: e.occurredValue });
}

function addCondition(s: PositionState, c: ConditionDto, e: PositionInput): void {
  const existing = s.conditions.findIndex((x) => x.conditionId === c.conditionId);
  const state: ConditionState = {
    conditionId: c.conditionId,
    text: c.text,
    category: c.category,
    addressedTo: [...c.addressedTo],
    status: 'open',
    statedBy: e.eventId,
    statedByActor: e.speaker,
    statedAt: e.occurredValue,
    resolvedBy: null,
    resolvedAt: null,
  };
  if (existing >= 0) s.conditions[existing] = state;
  else s.conditions.push(state);
}

/**
 * Sets the category an explicit event asks for, with the authority rules: on the same day the
 * lowest authority number wins; authoritative voices (authority ≤ 2) of the same principal that
 * disagree within CONTEST_WINDOW_DAYS mark the stance contested instead of silently picking one.
 */
function setCategory(s: PositionState, e: PositionInput, intended: Category): PositionState {
  const day = Math.floor(e.occurredStart / DAY) * DAY;
  const authority = e.authority ?? 9;
  if (authority <= 2) {
    s.voices = s.voices.filter((v) => v.day >= day - CONTEST_WINDOW_DAYS * DAY);
    s.voices.push({ eventId: e.eventId, day, speaker: e.speaker, category: intended });
  }
  s.contested = s.voices.some((a) => s.voices.some((b) => a.speaker !== b.speaker && a.category !== b.category));
  const outranked = s.basisDay === day && s.basisAuthority !== null && s.basisAuthority < authority;
  if (outranked) return s;
  if (typeof e.data.version === 'number') s.version = e.data.version;
  if (intended !== s.category || s.sinceValue === null) {
    s.sinceValue = e.occurredValue;
    s.sincePrecision = e.occurredPrecision;
    s.sinceStart = e.occurredStart;
  }
  s.category = intended;
  s.basisEventId = e.eventId;
  s.basisDay = day;
  s.basisAuthority = authority;
  return s;
}
