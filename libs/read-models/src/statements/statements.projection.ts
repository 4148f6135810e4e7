import { PoolClient } from 'pg';
import { CopyColumns, copyRows, write } from '@ledger/postgres';
import { derivedBefore, FactChange } from '../facts/fact';
import { Projection } from '../projection';
import { statementRow } from './statements.fold';

const STATEMENT_COLUMNS = new CopyColumns({
  event_id: 'uuid',
  occurred_value: 'text',
  occurred_precision: 'text',
  occurred_start: 'timestamptz',
  recorded_at: 'timestamptz',
  partition: 'int4',
  offset: 'int8',
  actors: 'jsonb',
  parties: '_text',
  proposal_id: 'text',
  text: 'text',
  tone: 'text',
  topics: '_text',
  cameo: 'text',
  goldstein: 'numeric',
  quote: 'text',
  citations: 'jsonb',
});

/** Who said what: StatementMade into statements_v1, with the parties it speaks for. */
export class StatementsProjection implements Projection {
  readonly name = 'statements_v1';

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    const relevant = changes.filter((c) => c.type === 'StatementMade');
    if (!relevant.length) return;
    const derived = derivedBefore(relevant);
    if (derived.length) await write(client, `DELETE FROM statements_v1 WHERE event_id = ANY($1::uuid[])`, [derived]);
    const rows = relevant.flatMap((c) => (c.after?.effective ? [statementRow(c.after)] : []));
    await copyRows(client, 'statements_v1', STATEMENT_COLUMNS, rows);
  }
}
