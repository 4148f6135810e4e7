import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PoolClient, Query } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { quoteIdent } from './migrate';
import { sent } from './pipelined-writes';

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
  const lines = new CopyBuffer(rows.length * 256);
  for (const row of rows) lines.addRow(row, columns);
  await copyLines(client, `COPY ${table} (${columns.list}) FROM STDIN`, lines.take());
}

function arrayLiteral(values: unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

/**
 * Rows as COPY lines, each field encoded into a buffer that grows as it is formatted: no line is
 * built as a string first (a line grown field by field is a rope of its pieces that V8 flattens
 * before encoding it: in a replay of a million events, 5.3 GB of short-lived strings, the most of
 * any function). A text field of short ASCII is copied byte by byte, its escapes checked on the way;
 * longer or other text is escaped by copyText and encoded by Buffer#write. `take` hands over what
 * was added; the next row starts a new buffer, sized for the same again.
 */
export class CopyBuffer {
  private buf: Buffer = EMPTY;
  private used = 0;
  lines = 0;

  constructor(private capacity = 64 * 1024) {}

  /** One row as a line: the columns' values in order, each formatted for its column's type as copyValue does. */
  addRow(row: Record<string, unknown>, columns: CopyColumns): void {
    const { names, kinds } = columns;
    for (let c = 0; c < names.length; c++) {
      if (c) this.byte(TAB);
      const value = row[names[c]];
      if (typeof value === 'string' && kinds[c] === SCALAR_FIELD) this.write(value, true);
      else if (kinds[c] !== ARRAY_FIELD || !Array.isArray(value) || !this.plainArray(value)) this.write(copyField(value, kinds[c]), false);
    }
    this.byte(NEWLINE);
    this.lines++;
  }

  /** What was added since the last take (a view of a buffer nothing writes to again). */
  take(): Buffer {
    const data = this.buf.subarray(0, this.used);
    this.capacity = Math.max(this.capacity, Math.ceil(this.used * 1.25));
    this.buf = EMPTY;
    this.used = 0;
    this.lines = 0;
    return data;
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.used++] = b;
  }

  /**
   * An array of short ASCII strings (and nulls) that need no escape, written as its literal straight
   * into the buffer: `{"a","b",NULL}`, what copyField gives it. Anything else (a quote, a backslash,
   * a control or non-ASCII character, a longer or non-string element) undoes what it wrote and
   * answers false: the caller formats the field the general way.
   */
  private plainArray(values: unknown[]): boolean {
    const start = this.used;
    this.byte(OPEN_BRACE);
    for (let v = 0; v < values.length; v++) {
      if (v) this.byte(COMMA);
      const value = values[v];
      if (value === null || value === undefined) {
        this.room(4);
        for (let i = 0; i < 4; i++) this.buf[this.used++] = ARRAY_NULL[i];
        continue;
      }
      if (typeof value !== 'string' || value.length > SHORT_TEXT) {
        this.used = start;
        return false;
      }
      this.room(value.length + 2);
      const buf = this.buf;
      let at = this.used;
      buf[at++] = QUOTE;
      for (let i = 0; i < value.length; i++) {
        const ch = value.charCodeAt(i);
        if (ch >= 0x80 || ch < 0x20 || ch === QUOTE || ch === BACKSLASH) {
          this.used = start;
          return false;
        }
        buf[at++] = ch;
      }
      buf[at++] = QUOTE;
      this.used = at;
    }
    this.byte(CLOSE_BRACE);
    return true;
  }

  /** `text` encoded as UTF-8, escaped for COPY unless it is already (`escape` false). */
  private write(text: string, escape: boolean): void {
    const n = text.length;
    // UTF-8 takes at most three bytes per UTF-16 unit (a surrogate pair's two units take four), an escape two.
    this.room(n * 3);
    const buf = this.buf;
    if (n <= SHORT_TEXT) {
      let at = this.used;
      let i = 0;
      for (; i < n; i++) {
        const ch = text.charCodeAt(i);
        if (ch >= 0x80 || (escape && ESCAPED[ch])) break;
        buf[at++] = ch;
      }
      if (i === n) {
        this.used = at;
        return;
      }
    }
    this.used += buf.write(escape ? copyText(text) : text, this.used, 'utf8');
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.capacity, this.used + bytes));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

const EMPTY = Buffer.alloc(0);
const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const ARRAY_NULL = Buffer.from('NULL');
/** Text up to this length is copied a byte at a time (cheaper than a call into Buffer#write) while it is ASCII. */
const SHORT_TEXT = 64;
/** The ASCII characters COPY's text format escapes: backslash, newline, carriage return, tab. */
const ESCAPED = new Uint8Array(128);
for (const ch of '\\\n\r\t') ESCAPED[ch.charCodeAt(0)] = 1;

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
  // One string or buffer: the statement, its data and the end of the data go out in one write, one
  // round trip (none of its own in a pipelined transaction: settled at the commit).
  await sent(client, () => new Promise<void>((resolve, reject) => client.query(new PipelinedCopy(sql, data, (e) => (e ? reject(e) : resolve())))));
}

/**
 * A `COPY … FROM STDIN` whose data is known before it starts, sent in one write: the Query message,
 * one CopyData and CopyDone, without waiting for PostgreSQL's CopyInResponse as pg-copy-streams does
 * (a second round trip, and a stream pipeline around one string that cost more than the COPY itself
 * for the few rows of a small batch). Protocol-safe: when the statement fails before or during the
 * copy, PostgreSQL ignores copy messages that arrive outside copy mode ("Accept but ignore these
 * messages, per protocol spec", postgres.c), and answers the error and ReadyForQuery as usual. A pg
 * Submittable: pg calls these handlers while it is the connection's active query. It extends pg's
 * Query only so that a pipelined connection takes it (pg refuses other submittables there: cursors
 * keep a portal open across round trips, which this never does); every handler pg calls is its own.
 */
class PipelinedCopy extends (Query as unknown as PgQuery) {
  private error?: Error;

  constructor(
    sql: string,
    private readonly data: string | Buffer,
    private readonly done: (error?: Error) => void,
  ) {
    super(sql);
    // Query's constructor sets an own `callback` (undefined here); pg calls it, or its own wrapper when query_timeout is set.
    this.callback = () => undefined;
  }

  submit(connection: CopyConnection): Error | null {
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
    return null;
  }

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

/** pg's Query class as its JavaScript has it (its type definitions show little of it): PipelinedCopy's base. */
type PgQuery = new (text: string) => { readonly text: string; callback: () => void };

/** The CopyData message's type byte ('d'): then its length (itself included) and the data. */
const COPY_DATA = 0x64;

/** What PipelinedCopy uses of pg's connection (pg's own Connection class, not in its type definitions). */
interface CopyConnection {
  stream: { cork(): void; uncork(): void; write(chunk: Buffer): boolean; writable: boolean };
  query(text: string): void;
  endCopyFrom(): void;
}
