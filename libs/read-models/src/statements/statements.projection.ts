import { PoolClient } from 'pg';
import { FactChange } from '../facts/fact';
import { Projection } from '../projection';
import { statementRow } from './statements.fold';

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
