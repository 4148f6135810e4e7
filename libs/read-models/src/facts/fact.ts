import { EventEnvelope } from '@ledger/contracts';
import { Voice } from '../rollup/rollup';

/** An applied event as the read models see it. */
export interface Fact {
  eventId: string;
  type: string;
  partition: number;
  offset: string;
  /** Record time (ISO). */
  recordedAt: string;
  /** The envelope as recorded. */
  envelope: EventEnvelope;
  /** After the latest correction and added citations; null while the event is retracted. */
  effective: EventEnvelope | null;
  /** The effective form before this batch: null for a new event or one that was retracted. */
  previous: EventEnvelope | null;
}

/** Where a voice stands in its event: an actor, a recipient, a meeting participant, a signatory… */
export type VoiceRole = 'actor' | 'recipient' | 'participant' | 'signatory' | 'trigger' | 'by';

export interface RoleVoice extends Voice {
  role: VoiceRole;
  idx: number;
}

/** A fact with its voices resolved at its valid time. */
export interface ResolvedFact extends Fact {
  voices: RoleVoice[];
}

/**
 * One event whose effective form or resolution changed in this batch; `after` is null when it
 * does not count (retracted). Each read model drops what it derived from the event and derives again.
 */
export interface FactChange {
  eventId: string;
  type: string;
  /** What the read models had derived from (the effective form before this batch). */
  previous: EventEnvelope | null;
  /** The voices `previous` was resolved to (events_v1.voices before this batch); null with it. */
  previousVoices: RoleVoice[] | null;
  after: ResolvedFact | null;
}

/**
 * The changed events the read models derived rows from before this batch: those with a previous
 * form. A new event, or one that did not count, has nothing to delete or look up.
 */
export function derivedBefore(changes: FactChange[]): string[] {
  return changes.filter((c) => c.previous !== null).map((c) => c.eventId);
}

/** Types that modify another event rather than state a fact of their own. */
export const MODIFIER_TYPES = ['EventCorrected', 'EventRetracted', 'CitationAdded'] as const;

export function isModifier(type: string): boolean {
  return (MODIFIER_TYPES as readonly string[]).includes(type);
}
