import { ClientBase } from 'pg';

/** The writes of one pipelined transaction still on their way, and the first that failed. */
interface Pending {
  settling: Promise<void>[];
  failed?: unknown;
  /** The connection's socket, corked while statements are issued in one turn of the event loop. */
  socket?: { cork(): void; uncork(): void };
  corked: boolean;
}

const open = new WeakMap<ClientBase, Pending>();

/** What pipelining needs of pg's Client (8.23 on: a `pipeline` flag its query queue reads). */
interface PipeliningClient {
  pipeline?: boolean;
  _pulsePipelinedQueryQueue?: unknown;
  connection?: { stream?: { cork?(): void; uncork?(): void } };
}

/**
 * Puts an idle client in pipeline mode for one transaction: statements go out as they are issued,
 * each with its own Sync, without waiting for the answers to the ones before. Answers false (and
 * changes nothing) when this pg cannot pipeline.
 */
export function startPipeline(client: ClientBase): boolean {
  const c = client as unknown as PipeliningClient;
  if (typeof c._pulsePipelinedQueryQueue !== 'function' || open.has(client)) return false;
  c.pipeline = true;
  const stream = c.connection?.stream;
  open.set(client, { settling: [], corked: false, socket: stream?.cork && stream.uncork ? (stream as Pending['socket']) : undefined });
  return true;
}

/** Ends pipeline mode once every statement of the transaction has been answered. */
export function stopPipeline(client: ClientBase): void {
  open.delete(client);
  (client as unknown as PipeliningClient).pipeline = false;
}

/**
 * A statement whose answer nobody reads (an INSERT, UPDATE, DELETE or COPY without RETURNING). In a
 * pipelined transaction (`transaction(…, { pipeline: true })`) it is sent at once and this resolves
 * without waiting for it: PostgreSQL runs the transaction's statements in the order they were sent,
 * so the statements after it see what it wrote, and a failure fails the transaction at its commit
 * (the statements after a failed one fail too, and COMMIT answers ROLLBACK). Elsewhere it is an
 * ordinary query, awaited.
 */
export async function write(client: ClientBase, text: string, values?: unknown[]): Promise<void> {
  await sent(client, () => client.query(text, values));
}

/** Runs `issue` (one statement); in a pipelined transaction its answer is settled at commit instead of awaited here. */
export async function sent(client: ClientBase, issue: () => Promise<unknown>): Promise<void> {
  const pending = open.get(client);
  if (!pending) {
    await issue();
    return;
  }
  corkForTurn(pending);
  settledAtCommit(pending, issue());
}

/**
 * Two reads whose answers do not depend on each other, run in this order. In a pipelined
 * transaction they leave together (one socket write, one round trip instead of two); PostgreSQL
 * still runs them one after the other, the second with a snapshot taken when it starts, so it sees
 * whatever the first waited for (a row lock another transaction held until its commit). Elsewhere
 * the second is sent once the first has answered.
 */
export async function readBoth<A, B>(client: ClientBase, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const pending = open.get(client);
  if (!pending) {
    const a = await first();
    return [a, await second()];
  }
  corkForTurn(pending);
  const a = first();
  // The second's own failure (a statement after a failed one only says the transaction is aborted)
  // is not the one to report: the first's is awaited first.
  const b = second();
  b.catch(() => undefined);
  return [await a, await b];
}

/**
 * A read issued now whose answer the caller awaits later (`answer`). In a pipelined transaction it
 * leaves with this turn's statements and the caller goes on issuing others, which PostgreSQL runs
 * after it; a failure fails the transaction with the read's own error, as a failed write does.
 * Elsewhere it is awaited here: a plain connection takes one statement at a time.
 */
export async function readAhead<T>(client: ClientBase, read: () => Promise<T>): Promise<{ answer: Promise<T> }> {
  const pending = open.get(client);
  if (!pending) return { answer: Promise.resolve(await read()) };
  corkForTurn(pending);
  const answer = read();
  settledAtCommit(pending, answer);
  return { answer };
}

/** A statement the commit waits for; the first to fail is the transaction's failure. */
function settledAtCommit(pending: Pending, statement: Promise<unknown>): void {
  pending.settling.push(
    statement.then(
      () => undefined,
      (e: unknown) => {
        pending.failed ??= e;
      },
    ),
  );
}

/**
 * The statements issued until this turn's promise continuations have run (the writes and the read
 * after them) leave in one write to the socket: one system call, one wake-up of PostgreSQL.
 */
function corkForTurn(pending: Pending): void {
  if (!pending.socket || pending.corked) return;
  const socket = pending.socket;
  pending.corked = true;
  socket.cork();
  process.nextTick(() => {
    pending.corked = false;
    socket.uncork();
  });
}

/** Waits for every write of the pipelined transaction; throws the first that failed. */
export async function settleWrites(client: ClientBase): Promise<void> {
  const failed = await failedWrite(client);
  if (failed !== undefined) throw failed;
}

/** The first write of the pipelined transaction that failed (its cause, where later statements only say the transaction was aborted), once all are answered. */
export async function failedWrite(client: ClientBase): Promise<unknown> {
  const pending = open.get(client);
  if (!pending) return undefined;
  await Promise.all(pending.settling);
  return pending.failed;
}
