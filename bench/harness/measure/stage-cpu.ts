import { Pool, PoolClient } from 'pg';
import { canonicalEnvelope, chainHash, EventEnvelope, GENESIS_HASH, occurredStart, partitionForKey, RecordedEvent, validateEnvelope } from '@ledger/contracts';
import { appliedContent, insertJournal, JournalRow } from '@ledger/ledger-store';
import { StatisticsKeeper } from '@ledger/postgres';
import { PROJECTOR_ANALYZE_SECONDS } from '@ledger/config';
import { ReadModels } from '@ledger/read-models';
import { projectorLookups } from '../../../apps/projector/src/projection/batch-applier';
import type { Table } from '../types';
import { fmt } from '../report/format';
import { worldEvents } from '../world/preload';
import { toMessage, WorldOptions } from '../world/world';
import { backendPid, BackendMeter } from './backend-cpu';

// CPU per event by stage: where a projection (or a replay) spends its CPU, in µs per event, so that
// the next step is visible. Node-side stages are timed with process.cpuUsage() around each stage
// (this process does nothing else meanwhile); PostgreSQL's is the CPU of the backend that ran the
// statements, read from /proc (backend-cpu.ts).

/** One stage: its Node CPU and PostgreSQL backend CPU, seconds over the run. */
interface StageCpu {
  stage: string;
  node: number;
  postgres: number;
}

export interface StageTable {
  events: number;
  stages: StageCpu[];
  /** Wall seconds of the measured run (stages only, making the records excluded). */
  seconds: number;
}

/** Record times: one millisecond apart from here, as in the bench's journals. */
const RECORDED_FROM = Date.parse('2027-01-01T00:00:00Z');

const nodeSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/**
 * The projector's per-batch work, stage by stage, in this process on a fresh database: the world's
 * first `records` events as Kafka values, cut into batches of one partition (Kafka's partitioner,
 * `batchSize` records each) as the projector fetches them; for each batch, timed one stage after
 * the other: decode (JSON.parse of the value), validate (the compiled ajv schemas, validateEnvelope),
 * hash (one canonical serialisation: the chain hash and the content hash), then one transaction on
 * one connection: the duplicate lookup, the journal rows (one COPY, each envelope as the canonical
 * JSON hashed just before), the read models (ReadModels.apply: fold, formatting and writing, all Node-side work
 * of the read models), commit. The same library calls BatchApplier makes, separated so that each
 * can be timed; offsets and notifications (a few rows per batch) are left out.
 */
export async function projectionStages(pool: Pool, spec: { world: WorldOptions; records: number; publisher: string; partitions: number; batchSize: number }): Promise<StageTable> {
  const stages = new Map<string, StageCpu>();
  const add = (stage: string, node: number, postgres = 0) => {
    const s = stages.get(stage) ?? { stage, node: 0, postgres: 0 };
    s.node += node;
    s.postgres += postgres;
    stages.set(stage, s);
  };
  for (const name of STAGES) add(name, 0);
  const client = await pool.connect();
  const models = new ReadModels();
  const chains = new Map<number, Buffer>();
  let wall = 0n;
  try {
    const backend = new BackendMeter(await backendPid(client));
    // The projector's StatisticsKeeper, on this run's one connection.
    const statistics = new StatisticsKeeper({ connect: async () => ({ query: client.query.bind(client) as PoolClient['query'], release: () => undefined }) }, projectorLookups(), {
      everyMs: PROJECTOR_ANALYZE_SECONDS * 1000,
    });
    const applyBatch = async (partition: number, batch: { value: Buffer; offset: number; recordedAt: string }[]) => {
      const started = process.hrtime.bigint();
      let t = process.cpuUsage();
      const parsed = batch.map((m) => JSON.parse(m.value.toString('utf8')) as unknown);
      add(DECODE, nodeSeconds(t));
      t = process.cpuUsage();
      const events = parsed.map((p) => {
        const v = validateEnvelope(p);
        if (!v.ok) throw new Error(`bench world: invalid event: ${JSON.stringify(v.problems)}`);
        return v.event;
      });
      add(VALIDATE, nodeSeconds(t));
      t = process.cpuUsage();
      let chain = chains.get(partition) ?? GENESIS_HASH;
      const hashed = events.map((event) => {
        const canonical = canonicalEnvelope(event);
        chain = chainHash(chain, canonical.bytes);
        return { event, contentSha256: canonical.contentSha256, text: canonical.text, hash: chain };
      });
      chains.set(partition, chain);
      add(HASH, nodeSeconds(t));
      await timed(backend, add, TRANSACTION, () => client.query('BEGIN'));
      const seen = await timed(backend, add, DUPLICATES, () =>
        appliedContent(
          client,
          events.map((e) => e.eventId),
        ),
      );
      if (seen.size) throw new Error('bench world: an event id repeated');
      await timed(backend, add, JOURNAL, () =>
        insertJournal(
          client,
          hashed.map((h, i) => journalRowOf(h, partition, batch[i])),
        ),
      );
      const recorded: RecordedEvent[] = hashed.map((h, i) => ({ ...h.event, recordedAt: batch[i].recordedAt, partition, offset: String(batch[i].offset) }));
      await timed(backend, add, READ_MODELS, () => models.apply(client, recorded));
      await timed(backend, add, TRANSACTION, () => client.query('COMMIT'));
      // As BatchApplier does before each batch (there in the background, on a connection of its own).
      await timed(backend, add, STATISTICS, () => statistics.maybeRun());
      wall += process.hrtime.bigint() - started;
    };
    await inBatches(spec, applyBatch);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return { events: spec.records, stages: [...stages.values()], seconds: Number(wall) / 1e9 };
}

const DECODE = 'decode (JSON.parse of the Kafka value)';
const VALIDATE = 'validate (compiled ajv schemas, validateEnvelope)';
const HASH = 'hash (canonical JSON once: chain hash and content hash)';
const DUPLICATES = 'duplicate lookup (journal by event id)';
const JOURNAL = 'journal rows (COPY lines, the canonical JSON as hashed)';
const READ_MODELS = 'read models (ReadModels.apply: fold, format, write)';
const TRANSACTION = 'BEGIN and COMMIT';
const STATISTICS = 'planner statistics (ANALYZE of stale tables, every 10 s at most)';
const STAGES = [DECODE, VALIDATE, HASH, DUPLICATES, JOURNAL, READ_MODELS, TRANSACTION, STATISTICS];

/** Runs one database step, adding this process's CPU and the backend's to `stage`. */
async function timed<T>(backend: BackendMeter, add: (stage: string, node: number, postgres: number) => void, stage: string, step: () => Promise<T>): Promise<T> {
  const pg = backend.read();
  const t = process.cpuUsage();
  const result = await step();
  add(stage, nodeSeconds(t), backend.read() - pg);
  return result;
}

function journalRowOf(h: { event: EventEnvelope; contentSha256: string; text: string; hash: Buffer }, partition: number, m: { offset: number; recordedAt: string }): JournalRow {
  return {
    partition,
    offset: String(m.offset),
    eventId: h.event.eventId,
    disposition: 'applied',
    type: h.event.type,
    occurredStart: new Date(occurredStart(h.event.occurredAt) ?? 0).toISOString(),
    recordedAt: m.recordedAt,
    contentSha256: h.contentSha256,
    envelope: h.event,
    envelopeText: h.text,
    hash: h.hash,
  };
}

/** The world's records as Kafka values, in batches of one partition, handed over as each fills (the last ones at the end). */
async function inBatches(
  spec: { world: WorldOptions; records: number; publisher: string; partitions: number; batchSize: number },
  apply: (partition: number, batch: { value: Buffer; offset: number; recordedAt: string }[]) => Promise<void>,
): Promise<void> {
  const buckets = new Map<number, { value: Buffer; offset: number; recordedAt: string }[]>();
  const offsets = new Map<number, number>();
  let i = 0;
  for (const { body } of worldEvents(spec.world, spec.records)) {
    const message = toMessage(body, spec.publisher, false);
    const partition = partitionForKey(message.key, spec.partitions);
    const offset = offsets.get(partition) ?? 0;
    offsets.set(partition, offset + 1);
    const bucket = buckets.get(partition) ?? [];
    bucket.push({ value: message.value, offset, recordedAt: new Date(RECORDED_FROM + i++).toISOString() });
    buckets.set(partition, bucket);
    if (bucket.length >= spec.batchSize) {
      buckets.set(partition, []);
      await apply(partition, bucket);
    }
  }
  for (const [partition, bucket] of buckets) if (bucket.length) await apply(partition, bucket);
}

/** Cumulative CPU seconds (this process, the replay's backend) when a phase of the bulk build first reported. */
export interface ReplayPhaseCpu {
  phase: string;
  node: number;
  postgres: number;
}

/** How many times replayStages parses the sample of envelopes; the fastest pass counts. */
const DECODE_PASSES = 5;

/**
 * A replay's CPU by stage. The bulk build reports its phases (read the records ahead, fold the log
 * while COPY stores each event's own rows, write the tables of state, build the indexes and ANALYZE);
 * the scenario notes the Node and backend CPU at the first report of each, so each stage is the CPU
 * between two phase changes. Decoding — JSON.parse of the stored envelopes, which the fold does as
 * it reaches each record — is measured apart on the same journal rows (`envelopes`, their text), the
 * fastest of DECODE_PASSES passes (one pass of 20,000 read 3.8 and 9.6 µs per envelope in two runs of
 * one hour on this VM), and taken out of the fold phase, where the log is read.
 */
export function replayStages(run: { events: number; nodeSeconds: number; postgresSeconds: number; seconds: number; phases: ReplayPhaseCpu[] }, envelopes: string[]): StageTable {
  let fastest = Infinity;
  for (let pass = 0; pass < DECODE_PASSES; pass++) {
    const t = process.cpuUsage();
    for (const text of envelopes) JSON.parse(text);
    fastest = Math.min(fastest, nodeSeconds(t));
  }
  const decode = envelopes.length ? (fastest / envelopes.length) * run.events : 0;
  const names: Record<string, string> = {
    read: 'read the records ahead (modifiers, registry facts, threats: what changes other events or picks what a threat needs)',
    fold: "fold the log (Node: the pg client and the fold less decode: effective forms, voices, each event's own rows and their COPY text; PostgreSQL: the SELECTs and the COPY of events, statements, tones and position events, overlapped)",
    write:
      "the tables of state (Node: the positions' history fold, threats, proposals, dyad cells and their COPY text; PostgreSQL: their COPY, and beside it the first index builds of the tables of events)",
    index: 'build the rest of the indexes (primary keys too), ANALYZE',
  };
  // The first phase counts from the start of the replay, not from its first report.
  const marks = [...run.phases.map((m, i) => (i === 0 ? { ...m, node: 0, postgres: 0 } : m)), { phase: 'end', node: run.nodeSeconds, postgres: run.postgresSeconds }];
  const stages: StageTable['stages'] = [
    { stage: 'decode (JSON.parse of the stored envelope, as the fold reaches its record)', node: decode, postgres: 0 },
    { stage: 'validate (not done by the replay)', node: NaN, postgres: NaN },
    { stage: 'hash (not done by the replay)', node: NaN, postgres: NaN },
  ];
  for (let i = 0; i < marks.length - 1; i++) {
    const spent = { node: marks[i + 1].node - marks[i].node, postgres: marks[i + 1].postgres - marks[i].postgres };
    if (marks[i].phase === 'fold') spent.node = Math.max(0, spent.node - decode);
    stages.push({ stage: names[marks[i].phase] ?? marks[i].phase, ...spent });
  }
  return { events: run.events, seconds: run.seconds, stages };
}

const us = (seconds: number, events: number) => (Number.isNaN(seconds) ? '–' : fmt((seconds / events) * 1e6));

/** Seconds of CPU over every stage: Node's and PostgreSQL's. */
export function stageTotals(t: StageTable): { node: number; postgres: number } {
  return { node: t.stages.reduce((n, s) => n + (s.node || 0), 0), postgres: t.stages.reduce((n, s) => n + (s.postgres || 0), 0) };
}

/** The table for the report: µs of CPU per event by stage, Node and PostgreSQL, with the totals and the rate they allow. */
export function stageTable(title: string, t: StageTable): Table {
  const rows = t.stages.map((s) => [
    s.stage,
    us(s.node, t.events),
    us(s.postgres, t.events),
    us(Number.isNaN(s.node) && Number.isNaN(s.postgres) ? NaN : (s.node || 0) + (s.postgres || 0), t.events),
  ]);
  const { node, postgres: pg } = stageTotals(t);
  rows.push(['total', us(node, t.events), us(pg, t.events), us(node + pg, t.events)]);
  rows.push([
    `events/s these allow (1e6 ÷ µs; Node and PostgreSQL on a core each; measured run: ${fmt(t.events / t.seconds)}/s)`,
    fmt(t.events / node),
    fmt(t.events / pg),
    fmt(t.events / (node + pg)),
  ]);
  return { title, header: ['stage', 'Node µs/event', 'PostgreSQL µs/event', 'total µs/event'], rows };
}
