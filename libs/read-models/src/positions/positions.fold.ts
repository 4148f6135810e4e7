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

/**
 * The fold's state for one (party, proposal). Plain JSON, stored on the history steps where it
 * changes (a re-fold restarts from it). Immutable: a fold step shares what it leaves unchanged.
 */
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
 * no clock, no I/O. Events arrive in the total order of DOMAIN.md §4. Copy on write: the result
 * shares the conditions and voices it leaves alone, and an event that changes nothing gives back
 * `state` itself, so the history needs no deep comparison to see most unchanged steps.
 */
export function foldPosition(state: PositionState, input: PositionInput): PositionState {
  if (input.modality?.negated || input.modality?.hypothetical) return state;
  const next: PositionState = { ...state };
  const intended = applyConditions(next, input);
  if (intended !== null) return setCategory(next, input, intended);
  return next.conditions === state.conditions ? state : next;
}

/** Applies the event's conditions (replacing `s.conditions` when they change) and answers the category it asks for (null: none). */
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
      const i = s.conditions.findIndex((x) => x.conditionId === d.conditionId && x.status === 'open');
      if (i >= 0) s.conditions = s.conditions.map((c, j) => (j === i ? { ...c, status: d.resolution, resolvedBy: e.eventId, resolvedAt: e.occurredValue } : c));
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

/** The fields of an event's data foldPosition reads (applyConditions, setCategory). */
const FOLDED_DATA = ['conditions', 'condition', 'conditionId', 'resolution', 'tone', 'newCategory', 'version'] as const;

/**
 * What the position fold reads of an effective envelope: its valid time, its modality and the data
 * fields above. A bulk build holds one per position input until its last table is written; the
 * whole envelope (a statement's text, its citations, its source) would stay alive as long.
 */
export function foldedPart(e: { occurredAt: unknown; modality?: Modality; data?: unknown }) {
  const from = (e.data ?? {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const k of FOLDED_DATA) if (from[k] !== undefined) data[k] = from[k];
  return { occurredAt: e.occurredAt, modality: e.modality, data };
}

/** A plain acceptance or a rejection answers the party's own open conditions: superseded, by that event. */
function supersedeOpen(s: PositionState, e: PositionInput): void {
  if (!s.conditions.some((c) => c.status === 'open')) return;
  s.conditions = s.conditions.map((c) => (c.status === 'open' ? { ...c, status: 'superseded', resolvedBy: e.eventId, resolvedAt: e.occurredValue } : c));
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
  s.conditions = existing >= 0 ? s.conditions.map((x, i) => (i === existing ? state : x)) : [...s.conditions, state];
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
    s.voices = [...s.voices.filter((v) => v.day >= day - CONTEST_WINDOW_DAYS * DAY), { eventId: e.eventId, day, speaker: e.speaker, category: intended }];
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

/**
 * Whether two states are the same JSON value, as PostgreSQL's jsonb `=` sees them once stored (key
 * order aside; an undefined property is absent, an undefined or non-finite number is null): a
 * history step whose state is the same as the step before stores none.
 */
export function sameState(a: PositionState, b: PositionState): boolean {
  if (a === b) return true;
  // The fields most steps change first: most different states differ there.
  if ((a.basisEventId ?? null) !== (b.basisEventId ?? null) || a.category !== b.category || a.conditions?.length !== b.conditions?.length) return false;
  return sameJson(a, b);
}

/**
 * Whether two states show the same (category, score, conditions, contested, version), the columns
 * a history step marks as changed when they differ. Compared as jsonb values, like sameState.
 */
export function sameShown(a: PositionState, b: PositionState): boolean {
  return (
    a.category === b.category &&
    a.contested === b.contested &&
    (a.version ?? null) === (b.version ?? null) &&
    scoreOf(a) === scoreOf(b) &&
    (a.conditions === b.conditions || sameJson(a.conditions, b.conditions))
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  a = jsonScalar(a);
  b = jsonScalar(b);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  const [oa, ob] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const ka = Object.keys(oa).filter((k) => oa[k] !== undefined);
  return ka.length === Object.keys(ob).filter((k) => ob[k] !== undefined).length && ka.every((k) => ob[k] !== undefined && sameJson(oa[k], ob[k]));
}

/** A value as JSON.stringify would write it inside an array: undefined and non-finite numbers as null. */
function jsonScalar(v: unknown): unknown {
  return v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v;
}
