import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Pool, PoolClient } from 'pg';
import { DEFAULT_TOPICS } from '@ledger/contracts';
import { KafkaEventLog } from '@ledger/log';
import { createReadSchema, foldJournalInto, readModelDigest } from '@ledger/audit';
import { runCommand } from '@ledger/testing';
import { sleep } from './load';

/** What the ledger made of the events a scenario sent. */
export interface Exactness {
  /** Ids answered 202 (or 200 duplicate). */
  acknowledged: number;
  /** Acknowledged ids applied exactly once and present in the read model. */
  applied: number;
  /** Ids (acknowledged or not) with more than one applied journal row, plus read-model rows beyond the applied events. */
  duplicated: number;
  /** Acknowledged ids not applied, or applied but missing from the read model. */
  lost: number;
  /** Ids answered 503 (outcome unknown) that were nevertheless written and applied (once). */
  unknownButApplied: number;
  /** Journal rows with disposition `duplicate`: copies in the log the projector recognised and skipped. */
  duplicateRecords: number;
  /** A few lost ids, to look up. */
  lostSample: string[];
  /** Every lost id (traceLost says where each went). */
  lostIds: string[];
}

/** Counts, per event id the load sent, its applied journal rows and its read-model row. */
export async function exactness(pool: Pool, acknowledged: string[], unacknowledged: string[]): Promise<Exactness> {
  const ids = [...acknowledged, ...unacknowledged];
  const { rows } = await pool.query<{ id: string; applied: string; in_model: boolean }>(
    `SELECT i.id::text AS id,
            (SELECT count(*) FROM ledger.journal j WHERE j.event_id = i.id AND j.disposition = 'applied') AS applied,
            EXISTS (SELECT 1 FROM read_model.statements_v1 s WHERE s.event_id = i.id) AS in_model
       FROM unnest($1::uuid[]) AS i(id)`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, { applied: Number(r.applied), inModel: r.in_model }]));
  const lostIds = acknowledged.filter((id) => byId.get(id)?.applied !== 1 || !byId.get(id)?.inModel);
  const overApplied = rows.filter((r) => Number(r.applied) > 1).length;
  const totals = (
    await pool.query<{ statements: string; applied: string; duplicates: string }>(
      `SELECT (SELECT count(*) FROM read_model.statements_v1) AS statements,
              (SELECT count(*) FROM ledger.journal WHERE disposition = 'applied' AND type = 'StatementMade') AS applied,
              (SELECT count(*) FROM ledger.journal WHERE disposition = 'duplicate') AS duplicates`,
    )
  ).rows[0];
  const extraModelRows = Math.max(0, Number(totals.statements) - Number(totals.applied));
  return {
    acknowledged: acknowledged.length,
    applied: acknowledged.length - lostIds.length,
    duplicated: overApplied + extraModelRows,
    lost: lostIds.length,
    unknownButApplied: unacknowledged.filter((id) => byId.get(id)?.applied === 1).length,
    duplicateRecords: Number(totals.duplicates),
    lostSample: lostIds.slice(0, 5),
    lostIds,
  };
}

/** Stored next offsets of a group, by partition. */
export async function storedOffsets(pool: Pool, group: string): Promise<Map<number, bigint>> {
  const { rows } = await pool.query(`SELECT partition, next_offset FROM ledger.consumer_offsets WHERE group_id = $1 AND topic = $2`, [group, DEFAULT_TOPICS.events]);
  return new Map(rows.map((r) => [r.partition as number, BigInt(r.next_offset)]));
}

/**
 * The log's end offsets (high watermarks) of the ledger topic, by partition. Retried for a while:
 * right after a broker restart the client's metadata is stale ("not the leader") for a moment.
 */
export async function logEnds(log: KafkaEventLog, timeoutMs = 20_000): Promise<Map<number, bigint>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return new Map((await log.bounds(DEFAULT_TOPICS.events)).map((b) => [b.partition, BigInt(b.high)]));
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

/** Records in the log the projector has not applied yet (0: caught up with `ends`). */
export function lag(ends: Map<number, bigint>, stored: Map<number, bigint>): bigint {
  let behind = 0n;
  for (const [p, high] of ends) behind += high > (stored.get(p) ?? 0n) ? high - (stored.get(p) ?? 0n) : 0n;
  return behind;
}

/**
 * Waits until the projector's stored offsets reach `ends` (default: the log's end now); resolves
 * with the time it took in ms. Errors while a server is down are retried until the deadline.
 */
export async function waitCaughtUp(pool: Pool, log: KafkaEventLog, group: string, options: { ends?: Map<number, bigint>; timeoutMs?: number } = {}): Promise<number> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  let last = 'nothing read yet';
  for (;;) {
    try {
      const ends = options.ends ?? (await logEnds(log));
      const behind = lag(ends, await storedOffsets(pool, group));
      if (behind === 0n) return Date.now() - started;
      last = `${behind} records behind`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`the projector did not catch up within ${options.timeoutMs ?? 120_000} ms: ${last}`);
    await sleep(100);
  }
}

/**
 * Samples the stored offsets every `everyMs` and remembers any that went backwards (they must
 * not: an offset is only ever moved forward, by compare-and-set, in the batch's transaction).
 */
export class OffsetSampler {
  samples = 0;
  failedSamples = 0;
  readonly regressions: string[] = [];
  private readonly last = new Map<number, bigint>();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly group: string,
    private readonly everyMs = 75,
  ) {}

  start(): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.sample();
        await sleep(this.everyMs);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.sample();
  }

  private async sample(): Promise<void> {
    try {
      const now = await storedOffsets(this.pool, this.group);
      this.samples++;
      for (const [p, offset] of now) {
        const before = this.last.get(p);
        if (before !== undefined && offset < before) this.regressions.push(`partition ${p}: ${before} → ${offset}`);
        this.last.set(p, offset);
      }
    } catch {
      this.failedSamples++;
    }
  }
}

/**
 * A fresh fold of the journal compared with the live read models, in one REPEATABLE READ snapshot
 * (the scratch schema is rolled back). Answers the tables whose digests differ.
 */
export async function freshFoldDiffers(pool: Pool): Promise<string[]> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const live = await readModelDigest(client, 'read_model');
    await createReadSchema(client, 'faults_fresh_fold');
    await foldJournalInto(client, 'faults_fresh_fold');
    const fresh = await readModelDigest(client, 'faults_fresh_fold');
    return [...new Set([...Object.keys(live), ...Object.keys(fresh)])].filter((t) => live[t] !== fresh[t]);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

export interface AuditOutcome {
  verifyCode: number | string;
  verifyOk: boolean;
  /** The first mismatch `ledger verify` named, if any. */
  verifyFirstMismatch?: string;
  records: number;
  checkpointsValid: string;
  replayCode: number | string;
  replaySeconds: number;
  replayEvents: number;
  /** Read-model tables whose digest changed across the replay (none: the replay rebuilt them identically). */
  changedByReplay: string[];
}

/**
 * The real CLI on the scenario's database and broker: `ledger verify --json` (hash chains from
 * Kafka vs the journal, signed checkpoints, read models vs a fresh fold), then `ledger replay --json`
 * (a full rebuild, switched in), comparing the read models' digests before and after. Run it with
 * no traffic: the digests must not move for any other reason.
 */
export async function verifyAndReplay(pool: Pool, env: Record<string, string>): Promise<AuditOutcome> {
  const cliEnv = { ...env, LOG_LEVEL: 'error' };
  const verify = await runCommand('apps/ledger-cli/src/main.js', ['verify', '--json'], cliEnv);
  const report = lastJson(verify.output);
  const before = await readModelDigest(pool, 'read_model');
  const replay = await runCommand('apps/ledger-cli/src/main.js', ['replay', '--json'], cliEnv);
  const replayed = lastJson(replay.output);
  const after = await readModelDigest(pool, 'read_model');
  const first = report?.mismatches?.[0];
  return {
    verifyCode: verify.code,
    verifyOk: verify.code === 0 && report?.ok === true,
    verifyFirstMismatch: first ? `${first.check} ${JSON.stringify(first)}` : report ? undefined : verify.output.slice(-2000),
    records: (report?.partitions ?? []).reduce((n: number, p: { records: number }) => n + p.records, 0),
    checkpointsValid: report ? `${report.checkpoints.valid}/${report.checkpoints.checked}` : '?',
    replayCode: replay.code,
    replaySeconds: Number(replayed?.seconds ?? NaN),
    replayEvents: Number(replayed?.events ?? NaN),
    changedByReplay: [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]),
  };
}

function lastJson(output: string): any {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  try {
    return line ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The PostgreSQL sessions of the process `pid` right now: its TCP sockets' local ports (from
 * /proc, Linux) matched with pg_stat_activity's client ports. `inTransaction` > 0 just before a
 * kill means the kill landed in the middle of a batch; `waitingOnLock` > 0 means it waits for a
 * row another session holds (the stored offset of a partition, locked by its batch).
 */
export async function sessionsOf(pool: Pool, pid: number): Promise<{ inTransaction: number; waitingOnLock: number }> {
  const ports = localPorts(pid);
  if (!ports.length) return { inTransaction: 0, waitingOnLock: 0 };
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE xact_start IS NOT NULL)::int AS in_transaction, count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS waiting
       FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND datname = current_database()`,
    [ports],
  );
  return { inTransaction: rows[0].in_transaction, waitingOnLock: rows[0].waiting };
}

function localPorts(pid: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? ''];
        } catch {
          return [];
        }
      }),
    );
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9])) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** Waits until some partition's stored offset passes its value in `before`; resolves with the ms it took. */
export async function waitOffsetsMove(pool: Pool, group: string, before: Map<number, bigint>, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  let last = 'no answer yet';
  for (;;) {
    const now = await storedOffsets(pool, group).catch((e: Error) => {
      last = e.message;
      return new Map<number, bigint>();
    });
    if (now.size) last = [...now].map(([p, o]) => `${p}:${o}`).join(' ');
    if ([...now].some(([p, offset]) => offset > (before.get(p) ?? -1n))) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`no stored offset moved within ${timeoutMs} ms (last: ${last})`);
    await sleep(50);
  }
}

/**
 * Waits for the projector's first commit begun after `since` (epoch ms), seen in the stored
 * offsets' updated_at (the committing transaction's start); resolves with that time.
 */
export async function waitCommitAfter(pool: Pool, group: string, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await pool
      .query(`SELECT min(updated_at) AS at FROM ledger.consumer_offsets WHERE group_id = $1 AND updated_at > $2`, [group, new Date(since)])
      .then((r) => r.rows[0] as { at: Date | null })
      .catch(() => ({ at: null }));
    if (row.at) return row.at.getTime();
    if (Date.now() > deadline) throw new Error(`no projector commit within ${timeoutMs} ms`);
    await sleep(50);
  }
}
