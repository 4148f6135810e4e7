import { effectiveCodes, occurredStartText } from '@ledger/contracts';
import { ResolvedFact } from '../facts/fact';
import { sortStrings } from '../facts/sort-strings';

/** The statements_v1 row of a StatementMade fact (also what a knownAt query folds in memory). */
export function statementRow(f: ResolvedFact) {
  const e = f.effective!;
  const data = e.data as { text: string; tone: string; topics: string[] };
  const codes = effectiveCodes(e);
  // A statement is found under every id that speaks in it and every principal it rolls up to.
  const parties = new Set<string>();
  for (const a of e.actors) {
    if (a.actorId) parties.add(a.actorId);
    if (a.onBehalfOf) parties.add(a.onBehalfOf);
  }
  for (const v of f.voices) if (v.role === 'actor' && v.counted && v.principal) parties.add(v.principal);
  return {
    event_id: e.eventId,
    occurred_value: e.occurredAt.value,
    occurred_precision: e.occurredAt.precision,
    occurred_start: occurredStartText(e.occurredAt),
    recorded_at: f.recordedAt,
    partition: f.partition,
    offset: f.offset,
    actors: e.actors,
    parties: sortStrings([...parties]),
    proposal_id: e.proposalId ?? null,
    text: data.text,
    tone: data.tone,
    topics: data.topics ?? [],
    cameo: codes?.cameo ?? null,
    goldstein: codes?.goldstein ?? null,
    quote: e.evidence?.quote ?? null,
    citations: e.citations ?? [],
  };
}
