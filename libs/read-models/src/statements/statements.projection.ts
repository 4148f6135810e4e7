import { PoolClient } from 'pg';
import { effectiveCodes, occurredStart } from '@ledger/contracts';
import { FactChange, ResolvedFact } from '../facts/fact';
import { Projection } from '../projection';

/** Who said what: StatementMade into statements_v1, with the parties it speaks for. */
export class StatementsProjection implements Projection {
  readonly name = 'statements_v1';

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    const relevant = changes.filter((c) => c.type === 'StatementMade');
    if (!relevant.length) return;
    await client.query(`DELETE FROM statements_v1 WHERE event_id = ANY($1::uuid[])`, [relevant.map((c) => c.eventId)]);
    const rows = relevant.flatMap((c) => (c.after?.effective ? [statementRow(c.after)] : []));
    if (!rows.length) return;
    await client.query(
      `INSERT INTO statements_v1
         (event_id, occurred_value, occurred_precision, occurred_start, recorded_at, partition, "offset", actors, parties,
          proposal_id, text, tone, topics, cameo, goldstein, quote, citations)
       SELECT event_id, occurred_value, occurred_precision, occurred_start, recorded_at, partition, "offset", actors, parties,
              proposal_id, text, tone, topics, cameo, goldstein, quote, citations
         FROM jsonb_to_recordset($1::jsonb) AS r(
           event_id uuid, occurred_value text, occurred_precision text, occurred_start timestamptz, recorded_at timestamptz,
           partition int, "offset" bigint, actors jsonb, parties text[], proposal_id text, text text, tone text, topics text[],
           cameo text, goldstein numeric, quote text, citations jsonb)`,
      [JSON.stringify(rows)],
    );
  }
}

/** The statements_v1 row of a StatementMade fact (also what a knownAt query folds in memory). */
export function statementRow(f: ResolvedFact) {
  const e = f.effective!;
  const data = e.data as { text: string; tone: string; topics: string[] };
  const codes = effectiveCodes(e);
  // A statement is found under every id that speaks in it and every principal it rolls up to.
  const parties = new Set<string>();
  for (const a of e.actors) [a.actorId, a.onBehalfOf].forEach((x) => x && parties.add(x));
  for (const v of f.voices) if (v.role === 'actor' && v.counted && v.principal) parties.add(v.principal);
  return {
    event_id: e.eventId,
    occurred_value: e.occurredAt.value,
    occurred_precision: e.occurredAt.precision,
    occurred_start: new Date(occurredStart(e.occurredAt) ?? 0).toISOString(),
    recorded_at: f.recordedAt,
    partition: f.partition,
    offset: f.offset,
    actors: e.actors,
    parties: [...parties].sort(),
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
