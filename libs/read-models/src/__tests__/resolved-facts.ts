import { randomUUID } from 'node:crypto';
import { EventEnvelope, OccurredAt, validateEnvelope } from '@ledger/contracts';
import { ResolvedFact } from '../facts/fact';
import { registryRows, rollupContextOf } from '../registry/registry.fold';
import { resolveVoices } from '../voices/event-voices';

/**
 * An envelope as a test writes it: what the ledger fills in (id, schema version, source) may be
 * left out, and `occurredAt` may be a bare day, as the ingest API takes it.
 */
export type Draft = Partial<Omit<EventEnvelope, 'occurredAt'>> & { type: string; occurredAt: string | OccurredAt; actors: EventEnvelope['actors']; data: Record<string, unknown> };

const REGISTRY_TYPES = new Set(['ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded']);

/**
 * The facts the folds read, from envelopes in log order (partition 0, offsets 0, 1, …): each one
 * validated as the ingest API and the projector validate it, its voices resolved against the
 * registry facts among them as the projector resolves them. No database.
 */
export function resolvedFacts(drafts: Draft[]): ResolvedFact[] {
  const envelopes = drafts.map((d) => {
    const checked = validateEnvelope(JSON.parse(JSON.stringify({ eventId: randomUUID(), schemaVersion: 1, source: { publisher: 'spec' }, ...d })));
    if (!checked.ok) throw new Error(`${d.type}: ${JSON.stringify(checked.problems)}`);
    return checked.event;
  });
  const registry = registryRows(
    envelopes.flatMap((e, i) => (REGISTRY_TYPES.has(e.type) ? [{ eventId: e.eventId, type: e.type, partition: 0, offset: String(i), effective: e }] : [])),
  );
  const ctx = rollupContextOf(registry.actors, registry.affiliations);
  return envelopes.map((e, i) => ({
    eventId: e.eventId,
    type: e.type,
    partition: 0,
    offset: String(i),
    recordedAt: new Date(Date.parse('2025-06-01T00:00:00Z') + i * 1000).toISOString(),
    envelope: e,
    effective: e,
    previous: null,
    voices: resolveVoices(e, ctx),
  }));
}
