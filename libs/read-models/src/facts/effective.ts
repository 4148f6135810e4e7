import { CitationDto, EventEnvelope, validateEnvelope } from '@ledger/contracts';
import { compareOrder, OrderKey } from '../positions/fold-order';

/** A correction, retraction or added citation of one target, with where it sits in the log. */
export interface Modifier {
  eventId: string;
  type: 'EventCorrected' | 'EventRetracted' | 'CitationAdded';
  recordedAt: number;
  partition: number;
  offset: string;
  data: Record<string, any>;
}

/**
 * The effective form of an event given the modifiers known: null when retracted; otherwise the
 * original with the latest correction's merge patch (by record time, then log position) and every
 * added citation, in record order. A correction whose result no longer validates is ignored: the
 * ledger never folds an invalid event. Pure.
 */
export function effectiveEnvelope(original: EventEnvelope, modifiers: Modifier[]): EventEnvelope | null {
  const ordered = [...modifiers].sort(byRecord);
  if (ordered.some((m) => m.type === 'EventRetracted')) return null;
  let current = original;
  const corrections = ordered.filter((m) => m.type === 'EventCorrected');
  const latest = corrections[corrections.length - 1];
  if (latest) {
    const patched = mergePatch(original, latest.data.patch) as Record<string, unknown>;
    const checked = validateEnvelope({ ...patched, eventId: original.eventId, type: original.type, source: original.source });
    if (checked.ok) current = checked.event;
  }
  const added = ordered.filter((m) => m.type === 'CitationAdded').map((m) => m.data.citation as CitationDto);
  if (added.length) current = { ...current, citations: [...(current.citations ?? []), ...added] };
  return current;
}

function byRecord(a: Modifier, b: Modifier): number {
  return a.recordedAt - b.recordedAt || compareOrder(orderOf(a), orderOf(b));
}

function orderOf(m: Modifier): OrderKey {
  return { occurredStart: 0, precisionRank: 0, authority: 0, reportedAt: 0, partition: m.partition, offset: m.offset, eventId: m.eventId };
}

/** RFC 7396 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
