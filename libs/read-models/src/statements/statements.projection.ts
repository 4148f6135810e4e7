import { PoolClient } from 'pg';
import { effectiveCodes, occurredStart, RecordedEvent, StatementMade } from '@ledger/contracts';
import { Projection } from '../projection';

/** Folds StatementMade into read_model.statements_v1. */
export class StatementsProjection implements Projection {
  readonly name = 'statements_v1';

  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const rows = events.filter((e): e is RecordedEvent & StatementMade => e.type === 'StatementMade').map(toRow);
    if (!rows.length) return;
    await client.query(
      `INSERT INTO read_model.statements_v1
         (event_id, occurred_value, occurred_precision, occurred_start, recorded_at, partition, "offset", actors, parties,
          proposal_id, text, tone, topics, cameo, goldstein, quote, citations)
       SELECT event_id, occurred_value, occurred_precision, occurred_start, recorded_at, partition, "offset", actors, parties,
              proposal_id, text, tone, topics, cameo, goldstein, quote, citations
         FROM jsonb_to_recordset($1::jsonb) AS r(
           event_id uuid, occurred_value text, occurred_precision text, occurred_start timestamptz, recorded_at timestamptz,
           partition int, "offset" bigint, actors jsonb, parties text[], proposal_id text, text text, tone text, topics text[],
           cameo text, goldstein numeric, quote text, citations jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
}

function toRow(e: RecordedEvent & StatementMade) {
  const codes = effectiveCodes(e);
  return {
    event_id: e.eventId,
    occurred_value: e.occurredAt.value,
    occurred_precision: e.occurredAt.precision,
    occurred_start: new Date(occurredStart(e.occurredAt) ?? 0).toISOString(),
    recorded_at: e.recordedAt,
    partition: e.partition,
    offset: e.offset,
    actors: e.actors,
    parties: [...new Set(e.actors.flatMap((a) => (a.onBehalfOf ? [a.actorId, a.onBehalfOf] : [a.actorId])))],
    proposal_id: e.proposalId ?? null,
    text: e.data.text,
    tone: e.data.tone,
    topics: e.data.topics,
    cameo: codes?.cameo ?? null,
    goldstein: codes?.goldstein ?? null,
    quote: e.evidence?.quote ?? null,
    citations: e.citations ?? [],
  };
}
