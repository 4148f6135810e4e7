import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdent } from './migrate';

// COPY's text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"): one
// line per row, fields separated by tabs, \N for NULL, and backslash, newline, carriage return and
// tab escaped inside a field. PostgreSQL runs each column's input function on the field's text and
// nothing else: no JSON document to parse around the rows, as jsonb_to_recordset has, and for a
// jsonb column its text is parsed once instead of twice.

/** NULL in COPY's text format. */
export const COPY_NULL = '\\N';

/** A text field of a COPY line: its backslashes, newlines, carriage returns and tabs escaped. */
export function copyText(text: string): string {
  return /[\\\n\r\t]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : text;
}

/** A nullable text field of a COPY line. */
export function copyNullable(text: string | null | undefined): string {
  return text === null || text === undefined ? COPY_NULL : copyText(text);
}

/** How copyField formats a column's values, from its PostgreSQL type (CopyColumns works it out once per column). */
const JSON_FIELD = 0;
const ARRAY_FIELD = 1;
const BOOL_FIELD = 2;
const SCALAR_FIELD = 3;

function fieldKind(type: string): number {
  if (type === 'jsonb' || type === 'json') return JSON_FIELD;
  if (type.startsWith('_')) return ARRAY_FIELD;
  if (type === 'bool') return BOOL_FIELD;
  return SCALAR_FIELD;
}

/** A value as a COPY field of a column of `kind` (fieldKind); see copyValue. */
function copyField(value: unknown, kind: number): string {
  if (value === null || value === undefined) return COPY_NULL;
  switch (kind) {
    case JSON_FIELD:
      return copyText(JSON.stringify(value));
    case ARRAY_FIELD:
      return copyText(arrayLiteral(value as unknown[]));
    case BOOL_FIELD:
      return value ? 't' : 'f';
    default:
      if (typeof value === 'string') return copyText(value);
      // Numbers, booleans and ISO 8601 times hold nothing COPY escapes.
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      if (value instanceof Date) return value.toISOString();
      return copyText(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}

/**
 * One value of a column of PostgreSQL type `type` (information_schema's udt_name) as a COPY field,
 * read the way jsonb_to_recordset reads it from a row's JSON: jsonb and json as JSON text, arrays as
 * array literals, booleans as t/f, dates as ISO 8601.
 */
export function copyValue(value: unknown, type: string): string {
  return copyField(value, fieldKind(type));
}

/**
 * One row as a line of COPY text: the columns' values in order, each formatted for its column's
 * type as copyValue does (the type's kind worked out once, in CopyColumns).
 */
export function copyRow(row: Record<string, unknown>, columns: CopyColumns): string {
  const { names, kinds } = columns;
  if (!names.length) return '\n';
  let line = copyField(row[names[0]], kinds[0]);
  for (let c = 1; c < names.length; c++) line += '\t' + copyField(row[names[c]], kinds[c]);
  return line + '\n';
}

/** A table's columns for copyRows: each name with its PostgreSQL type (udt_name: text, int4, jsonb, _text…), in COPY order. */
export class CopyColumns {
  readonly names: string[];
  readonly types: string[];
  /** How each column's values are formatted (fieldKind of its type). */
  readonly kinds: number[];
  /** The column list of the COPY statement. */
  readonly list: string;

  constructor(columns: Record<string, string>) {
    this.names = Object.keys(columns);
    this.types = Object.values(columns);
    this.kinds = this.types.map(fieldKind);
    this.list = this.names.map(quoteIdent).join(', ');
  }
}

/**
 * Writes `rows` (objects keyed by column name) into `table` with one COPY, each value formatted for
 * its column by copyRow: what `INSERT … SELECT FROM jsonb_to_recordset` did without the JSON
 * document around the rows. `table` is found on the caller's search_path.
 */
export async function copyRows(client: PoolClient, table: string, columns: CopyColumns, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  let data = '';
  for (const row of rows) data += copyRow(row, columns);
  await copyLines(client, `COPY ${table} (${columns.list}) FROM STDIN`, data);
}

function arrayLiteral(values: unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

/**
 * COPY lines encoded as they are added, into a buffer that grows: for COPYs of many rows, where
 * one string grown a line at a time is a rope of thousands of pieces that V8 flattens and then
 * encodes (a replay of a million events: 4.1 s of `Buffer.from` on ~550 MB of lines).
 * `take` hands over what was added and starts a new buffer, sized for the same again.
 */
export class CopyBuffer {
  private buf: Buffer;
  private used = 0;
  lines = 0;

  constructor(private capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  add(line: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit (a surrogate pair's two units take four).
    const most = line.length * 3;
    if (this.used + most > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + most));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    this.used += this.buf.write(line, this.used, 'utf8');
    this.lines++;
  }

  /** What was added since the last take (a view of a buffer nothing writes to again). */
  take(): Buffer {
    const data = this.buf.subarray(0, this.used);
    this.capacity = Math.max(this.capacity, Math.ceil(this.used * 1.25));
    this.buf = Buffer.allocUnsafe(this.capacity);
    this.used = 0;
    this.lines = 0;
    return data;
  }
}

/**
 * Runs `COPY … FROM STDIN` (the statement in `sql`) with `data`: lines already in COPY's text
 * format, as one string or buffer, or as chunks made while it is sent. Answers once PostgreSQL has taken every
 * row; a bad row fails the statement (and the caller's transaction) whole.
 */
export async function copyLines(client: PoolClient, sql: string, data: string | Buffer | Iterable<string>): Promise<void> {
  if (typeof data !== 'string' && !Buffer.isBuffer(data)) {
    // Chunks made as they are sent: the stream's back-pressure paces their making.
    await pipeline(Readable.from(data), client.query(copyFrom(sql)));
    return;
  }
  // One string or buffer: the statement, its data and the end of the data go out in one write, one round trip.
  await new Promise<void>((resolve, reject) => client.query(new PipelinedCopy(sql, data, (e) => (e ? reject(e) : resolve()))));
}

/**
 * A `COPY … FROM STDIN` whose data is known before it starts, sent in one write: the Query message,
 * one CopyData and CopyDone, without waiting for PostgreSQL's CopyInResponse as pg-copy-streams does
 * (a second round trip, and a stream pipeline around one string that cost more than the COPY itself
 * for the few rows of a small batch). Protocol-safe: when the statement fails before or during the
 * copy, PostgreSQL ignores copy messages that arrive outside copy mode ("Accept but ignore these
 * messages, per protocol spec", postgres.c), and answers the error and ReadyForQuery as usual. A pg
 * Submittable: pg calls these handlers while it is the connection's active query.
 */
class PipelinedCopy {
  private error?: Error;

  constructor(
    readonly text: string,
    private readonly data: string | Buffer,
    private readonly done: (error?: Error) => void,
  ) {}

  submit(connection: CopyConnection): void {
    const stream = connection.stream;
    // The CopyData message written as its header and the encoded data, not through pg's serializer,
    // which copies a chunk of megabytes into a buffer of its own first (writev sends both as they are).
    const data = typeof this.data === 'string' ? Buffer.from(this.data, 'utf8') : this.data;
    const header = Buffer.allocUnsafe(5);
    header[0] = COPY_DATA;
    header.writeUInt32BE(data.length + 4, 1);
    stream.cork();
    connection.query(this.text);
    if (stream.writable) {
      stream.write(header);
      stream.write(data);
    }
    connection.endCopyFrom();
    stream.uncork();
  }

  /** pg replaces this with its own when query_timeout is set, and it must exist for that. */
  callback(): void {}

  handleCopyInResponse(): void {
    // The data is already on its way.
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    this.callback();
    this.error = error;
    // pg calls no handler of a query that failed once ReadyForQuery comes: settle now.
    this.done(error);
  }

  handleReadyForQuery(): void {
    this.callback();
    if (!this.error) this.done();
  }
}

/** The CopyData message's type byte ('d'): then its length (itself included) and the data. */
const COPY_DATA = 0x64;

/** What PipelinedCopy uses of pg's connection (pg's own Connection class, not in its type definitions). */
interface CopyConnection {
  stream: { cork(): void; uncork(): void; write(chunk: Buffer): boolean; writable: boolean };
  query(text: string): void;
  endCopyFrom(): void;
}
