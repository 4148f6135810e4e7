import { Pool, PoolClient } from 'pg';
import { chainHash, envelopeBytes, GENESIS_HASH, recordBytes } from '@ledger/contracts';
import { EventLog, LogBatch } from '@ledger/log';
import { READ_SCHEMA } from '@ledger/read-models';
import { Checkpoint, listCheckpoints, listOffsets } from '@ledger/ledger-store';
import { checkpointValid } from './checkpoint-signing';
import { createScratchReadSchema, firstDifference, foldJournalInto, readModelDigest } from './fresh-fold';

/** One thing that does not hold, located as precisely as the check allows. */
export interface Mismatch {
  check: 'log-chain' | 'journal-content' | 'journal-missing' | 'journal-extra' | 'checkpoint' | 'read-model';
  partition?: number;
  offset?: string;
  eventId?: string | null;
  table?: string;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  topic: string;
  partitions: { partition: number; records: number; nextOffset: string; head: string | null }[];
  /** `unsigned` says why no signature could be checked: then `ok` proves nothing to a third party. */
  checkpoints: { checked: number; valid: number; unsigned?: string };
  readModels: { tables: number; differing: string[]; events: number };
  /** Every mismatch found, earliest (partition, offset) first; the first one is the report's answer. */
  mismatches: Mismatch[];
}

export interface VerifyOptions {
  pool: Pool;
  log: EventLog;
  topic: string;
  group: string;
  /** The trusted public key; absent: checkpoints are listed but cannot be checked (`checkpoints.unsigned`). */
  publicKeyPem?: string;
  keyId?: string;
  onProgress?: (phase: 'log' | 'read-models', done: number, total: number) => void;
}

interface JournalRow {
  offset: string;
  event_id: string | null;
  disposition: string;
  hash: Buffer;
  envelope: any;
  raw: Buffer | null;
}

/**
 * `ledger verify`: recomputes each partition's hash chain from the log and compares it with the
 * journal (row by row: missing, extra, edited, swapped), recomputes each journal row's hash from
 * its own content, checks every signed checkpoint against the trusted key and both chains, and
 * folds the journal afresh in a snapshot to compare every read-model table with the live one.
 */
export async function verifyLedger(o: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date().toISOString();
  const mismatches: Mismatch[] = [];
  const offsets = await listOffsets(o.pool, { group: o.group, topic: o.topic });
  const upTo = new Map<number, string>(offsets.map((r) => [r.partition, r.nextOffset]));
  const checkpoints = await listCheckpoints(o.pool, 10_000);
  const wanted = checkpointOffsets(checkpoints);
  const recomputed = new Map<string, string>();
  const partitions = new Map<number, { records: number; head: Buffer | null; chain: Buffer; journalChain: Buffer; lastOffset: bigint }>();
  const total = offsets.reduce((n, r) => n + Number(r.nextOffset), 0);
  let done = 0;

  await o.log.scan(o.topic, upTo, async (batch) => {
    const state = partitions.get(batch.partition) ?? { records: 0, head: null, chain: GENESIS_HASH, journalChain: GENESIS_HASH, lastOffset: -1n };
    partitions.set(batch.partition, state);
    const rows = await journalRows(o.pool, batch);
    for (const m of batch.messages) {
      state.chain = chainHash(state.chain, recordBytes(m.value));
      if (wanted.has(`${batch.partition}:${m.offset}`)) recomputed.set(`${batch.partition}:${m.offset}`, state.chain.toString('hex'));
      const row = rows.get(m.offset);
      state.records++;
      if (!row) {
        mismatches.push({
          check: 'journal-missing',
          partition: batch.partition,
          offset: m.offset,
          eventId: m.headers.ce_id ?? null,
          detail: 'the log holds this record; the journal has no row for it',
        });
        continue;
      }
      const content = row.envelope ? envelopeBytes(row.envelope) : (row.raw ?? Buffer.alloc(0));
      const fromJournal = chainHash(state.journalChain, content);
      if (!fromJournal.equals(row.hash)) {
        mismatches.push({
          check: 'journal-content',
          partition: batch.partition,
          offset: m.offset,
          eventId: row.event_id,
          detail: "the journal row's content does not hash to its stored hash (edited or moved)",
        });
      }
      if (!state.chain.equals(row.hash)) {
        mismatches.push({
          check: 'log-chain',
          partition: batch.partition,
          offset: m.offset,
          eventId: row.event_id,
          detail: `stored hash ${row.hash.toString('hex').slice(0, 16)}… differs from the chain recomputed from the log ${state.chain.toString('hex').slice(0, 16)}…`,
        });
      }
      state.journalChain = row.hash;
      state.lastOffset = BigInt(m.offset);
      state.head = row.hash;
    }
    done += batch.messages.length;
    o.onProgress?.('log', done, total);
  });
  mismatches.push(...(await extraRows(o.pool, upTo, partitions)));
  const checkpointSummary = checkCheckpoints(checkpoints, recomputed, o, mismatches);
  const readModels = await verifyReadModels(o, mismatches);

  mismatches.sort((a, b) => (a.partition ?? 1e9) - (b.partition ?? 1e9) || Number(BigInt(a.offset ?? '0') - BigInt(b.offset ?? '0')));
  return {
    ok: mismatches.length === 0,
    startedAt,
    finishedAt: new Date().toISOString(),
    topic: o.topic,
    partitions: offsets.map((r) => {
      const s = partitions.get(r.partition);
      return { partition: r.partition, records: s?.records ?? 0, nextOffset: r.nextOffset, head: s?.head?.toString('hex') ?? null };
    }),
    checkpoints: checkpointSummary,
    readModels,
    mismatches,
  };
}

async function journalRows(pool: Pool, batch: LogBatch): Promise<Map<string, JournalRow>> {
  const first = batch.messages[0].offset;
  const last = batch.messages[batch.messages.length - 1].offset;
  const { rows } = await pool.query<JournalRow>(
    `SELECT j."offset"::text AS offset, j.event_id, j.disposition, j.hash, j.envelope, r.raw
       FROM ledger.journal j LEFT JOIN ledger.rejections r ON r.partition = j.partition AND r."offset" = j."offset" AND j.envelope IS NULL
      WHERE j.partition = $1 AND j."offset" BETWEEN $2 AND $3`,
    [batch.partition, first, last],
  );
  return new Map(rows.map((r) => [r.offset, r]));
}

/** Journal rows the log does not hold (inserted, or moved to an offset with no record). */
async function extraRows(pool: Pool, upTo: Map<number, string>, seen: Map<number, { records: number }>): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const [partition, next] of upTo) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ledger.journal WHERE partition = $1 AND "offset" < $2`, [partition, next]);
    const records = seen.get(partition)?.records ?? 0;
    if (rows[0].n > records) {
      const { rows: extra } = await pool.query(
        `SELECT j."offset"::text AS offset, j.event_id FROM ledger.journal j WHERE j.partition = $1 AND j."offset" >= $2 ORDER BY j."offset" LIMIT 1`,
        [partition, next],
      );
      out.push({
        check: 'journal-extra',
        partition,
        offset: extra[0]?.offset,
        eventId: extra[0]?.event_id ?? null,
        detail: `the journal has ${rows[0].n - records} row(s) the log does not hold`,
      });
    }
  }
  return out;
}

function checkpointOffsets(checkpoints: Checkpoint[]): Set<string> {
  return new Set(checkpoints.flatMap((c) => c.heads.map((h) => `${h.partition}:${BigInt(h.nextOffset) - 1n}`)));
}

function checkCheckpoints(checkpoints: Checkpoint[], recomputed: Map<string, string>, o: VerifyOptions, mismatches: Mismatch[]): VerifyReport['checkpoints'] {
  if (!o.publicKeyPem) return { checked: checkpoints.length, valid: 0, unsigned: 'no public key (--public-key FILE) and no signing key here: signatures not checked' };
  if (!checkpoints.length) return { checked: 0, valid: 0, unsigned: 'no signed checkpoint yet: nothing to check a signature of' };
  let valid = 0;
  for (const c of checkpoints) {
    if (c.keyId !== o.keyId || !checkpointValid(c, o.publicKeyPem)) {
      mismatches.push({ check: 'checkpoint', detail: `checkpoint ${c.id} (${c.signedAt}) is not validly signed by key ${o.keyId}` });
      continue;
    }
    const bad = c.heads.find((h) => {
      const at = recomputed.get(`${h.partition}:${BigInt(h.nextOffset) - 1n}`);
      return at !== undefined && at !== h.hash;
    });
    if (bad) {
      mismatches.push({
        check: 'checkpoint',
        partition: bad.partition,
        offset: String(BigInt(bad.nextOffset) - 1n),
        detail: `checkpoint ${c.id} signed head ${bad.hash.slice(0, 16)}… but the log's chain there is different`,
      });
      continue;
    }
    valid++;
  }
  return { checked: checkpoints.length, valid };
}

/** Folds the journal afresh into a throwaway schema in one snapshot and compares every table. */
async function verifyReadModels(o: VerifyOptions, mismatches: Mismatch[]): Promise<VerifyReport['readModels']> {
  const client: PoolClient = await o.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const live = await readModelDigest(client, READ_SCHEMA);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ledger.journal WHERE disposition = 'applied'`);
    // Temporary tables, dropped with the rollback: the auditor role may create no schema.
    const scratch = await createScratchReadSchema(client);
    let folded = 0;
    const events = await foldJournalInto(client, scratch, (n) => o.onProgress?.('read-models', (folded += n), rows[0].n));
    const fresh = await readModelDigest(client, scratch);
    const differing = Object.keys({ ...live, ...fresh })
      .filter((t) => live[t] !== fresh[t])
      .sort();
    for (const table of differing) {
      const row = await firstDifference(client, table, READ_SCHEMA, scratch);
      mismatches.push({ check: 'read-model', table, detail: `read_model.${table} differs from a fresh fold of the journal: ${row ?? 'table missing'}` });
    }
    return { tables: Object.keys(fresh).length, differing, events };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** Stores a report; GET /v1/audit/verify answers the latest. */
export async function recordVerification(pool: Pool, report: VerifyReport): Promise<void> {
  await pool.query(`INSERT INTO ledger.verifications (started_at, finished_at, ok, summary, mismatches) VALUES ($1, $2, $3, $4, $5)`, [
    report.startedAt,
    report.finishedAt,
    report.ok,
    JSON.stringify({ topic: report.topic, partitions: report.partitions, checkpoints: report.checkpoints, readModels: report.readModels }),
    JSON.stringify(report.mismatches),
  ]);
}
