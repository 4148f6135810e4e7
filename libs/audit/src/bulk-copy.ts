import { PoolClient } from 'pg';
import { CopyBuffer, copyLines, CopyColumns, quoteIdent } from '@ledger/postgres';

/** Rows of a table of state sent per COPY (copyInto). */
const COPY_CHUNK = 4_000;

/** One table's COPY lines of a chunk: formatted and encoded as the rows come, sent by one COPY per chunk. */
export class ChunkWriter {
  private readonly sql: string;
  private readonly lines = new CopyBuffer();
  rows = 0;

  constructor(
    private readonly client: PoolClient,
    schema: string,
    table: string,
    private readonly columns: CopyColumns,
  ) {
    this.sql = `COPY ${quoteIdent(schema)}.${quoteIdent(table)} (${columns.list}) FROM STDIN`;
  }

  add(row: Record<string, unknown>): void {
    this.lines.addRow(row, this.columns);
  }

  /** Sends what was added since the last flush; answers once PostgreSQL has taken it. */
  flush(): Promise<void> {
    const pending = this.lines.lines;
    if (!pending) return Promise.resolve();
    this.rows += pending;
    return copyLines(this.client, this.sql, this.lines.take());
  }
}

/** Each writer's COPY, one after the other on their connection. */
export async function flushAll(writers: ChunkWriter[]): Promise<void> {
  for (const w of writers) await w.flush();
}

/**
 * Writes `rows` into `table`, a COPY per COPY_CHUNK rows: the rows are formatted as they come (a
 * table of state may be a generator whose rows die young) and one chunk's COPY runs while the next
 * is formatted.
 */
export async function copyInto(
  client: PoolClient,
  schema: string,
  table: string,
  columns: CopyColumns,
  rows: Iterable<Record<string, unknown>>,
  progress: (n: number) => void,
): Promise<number> {
  const writer = new ChunkWriter(client, schema, table, columns);
  let copying: Promise<unknown> = Promise.resolve();
  let count = 0;
  for (const row of rows) {
    writer.add(row);
    if (++count % COPY_CHUNK === 0) {
      await copying;
      copying = handled(writer.flush());
      progress(count);
    }
  }
  await copying;
  await writer.flush();
  progress(count);
  return writer.rows;
}

/** The read-model tables of `schema` and the columns COPY fills (generated ones are computed by PostgreSQL). */
export async function tableColumns(client: PoolClient, schema: string): Promise<Map<string, CopyColumns>> {
  const { rows } = await client.query(
    `SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' AND c.table_name ~ '_v[0-9]+$' AND c.is_generated = 'NEVER'
      ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const byTable = new Map<string, Record<string, string>>();
  for (const r of rows) byTable.set(r.table_name, { ...byTable.get(r.table_name), [r.column_name]: r.udt_name });
  return new Map([...byTable].map(([table, columns]) => [table, new CopyColumns(columns)]));
}

/** A promise whose rejection is handled until it is awaited: a chunk read or COPY that fails while another step throws does not go unhandled. */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
