import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { LEDGER_TOPIC_PARTITIONS } from '@ledger/contracts';
import { createPool } from '@ledger/postgres';
import { replayFrozen } from '@ledger/audit';
import { CpuProfiler } from '../server/cpu-profiler';
import { copyNote, copyRows, CopyResult, schemaTables } from '../harness/baselines/copy';
import { journalCopy, journalCopyNote, JournalCopyResult } from '../harness/baselines/journal-copy';
import { DatabaseCpuMeter } from '../harness/measure/backend-cpu';
import { ReplayPhaseCpu, replayStages, stageTable } from '../harness/measure/stage-cpu';
import { rowsPerEvent, rowsTable } from '../harness/measure/rows';
import { cpuWindow } from '../harness/measure/cpu';
import { writeJournal } from '../harness/world/journal-build';
import { consumerPerformance, ConsumerPerfResult, fillTopic } from '../harness/baselines/kafka-tools';
import { worldEvents } from '../harness/world/preload';
import { PROJECTION_STAGES } from '../harness/report/projection-stages';
import { infraWatch } from '../harness/ledger/projector-run';
import { cpuCells, fmt } from '../harness/report/format';
import { profileTables, sqlTable } from '../harness/report/profile';
import { BenchContext, CpuUse, Figure, Scenario, SqlTiming, Table, Watched } from '../harness/types';
import { SqlTimer } from '../harness/measure/sql-timer';
import { toMessage, WorldOptions } from '../harness/world/world';

const WANTED = 1_000_000;
const TARGET_SECONDS = 30;
/** Issue 12: replay at ≥ 0.3× a COPY of the journal rows alone. */
const TARGET_JOURNAL_COPY_RATIO = 0.3;
/** The sizes a full run may climb through; --quick replays the first only. */
const FULL_LADDER = [50_000, 100_000, 200_000, 400_000, 700_000, WANTED];
/**
 * Where a full run's climb stops: BENCH_REPLAY_EVENTS (e.g. 1000000 for the million), else 200,000 —
 * today's replay takes many minutes past that, and the journal of each size is written first.
 */
const DEFAULT_MAX = 200_000;
/** No replay may take longer ("about ten minutes" with the rest of the scenario): past it, it is stopped. */
const BUDGET_SECONDS = 480;
const PUBLISHER = 'bench-direct';
const SCHEMA = 'bench_replay';

/** One replay of the first `records` events, on its own database. */
interface Rung {
  records: number;
  /** Events folded: all of them, or as many as the budget allowed. */
  folded: number;
  finished: boolean;
  /** replayFrozen's own seconds (fresh schema and fold), or the time until it was stopped. */
  seconds: number;
  /** The whole call, the digest after the fold included (the span of the CPU profile and SQL timings). */
  wall: number;
  journalSeconds: number;
  cpu: CpuUse;
  topOthers: string[];
  pool: Pool;
  profile?: string;
  sql?: SqlTiming[];
  /** CPU seconds over the fold (from the call to the last chunk; the digest after it excluded): this process, and the database's backends. */
  nodeSeconds: number;
  /** Cumulative Node and PostgreSQL CPU seconds when each phase of the bulk build first reported. */
  phases: ReplayPhaseCpu[];
  postgresSeconds: number;
}

class OverBudget extends Error {}

/**
 * Issue 5: replaying the journal into fresh read models (`replayFrozen`, what `ledger replay
 * --to-offset/--known-at` runs, into its own schema). Each size gets its own database and a journal
 * written first, untimed: the rows the projector would journal for the first N events of the bench
 * world, through the projector's own journal writer, without folding them. A full run climbs
 * through sizes up to 1,000,000 while each replay finishes within the budget and the next one is
 * predicted to; the figure is the largest N that finished. Baselines from the same run: Kafka's
 * ConsumerPerformance reading N records of the same size from the same broker, and a COPY of the
 * read-model rows the replay wrote (the floor of storing them).
 */
export const scenario: Scenario = {
  name: 'replay',
  title: 'replaying the journal into fresh read models',
  order: 60,
  async run(ctx) {
    const ladder = ctx.quick ? FULL_LADDER.slice(0, 1) : replayLadder();
    const world: WorldOptions = { events: ladder[ladder.length - 1] };
    const watch = infraWatch(await ctx.brokers());
    const rungs: Rung[] = [];
    let skipped: { records: number; predicted: number } | undefined;
    for (const records of ladder) {
      const predicted = predict(
        rungs.filter((r) => r.finished),
        records,
      );
      if (predicted > BUDGET_SECONDS) {
        skipped = { records, predicted };
        break;
      }
      const rung = await replayRung(ctx, world, records, watch);
      rungs.push(rung);
      ctx.log(`replay: ${fmt(records)} events ${rung.finished ? `in ${rung.seconds.toFixed(1)} s` : `stopped after ${BUDGET_SECONDS} s, ${fmt(rung.folded)} folded`}`);
      if (!rung.finished) break;
    }
    const final = [...rungs].reverse().find((r) => r.finished) ?? rungs[rungs.length - 1];
    for (const r of rungs) if (r !== final) await dropReplayed(r.pool).then(() => r.pool.end());
    ctx.defer(() => final.pool.end());

    ctx.log('replay: COPY of the rows it wrote');
    const rows = await rowsPerEvent(final.pool, [{ schema: SCHEMA }], final.folded);
    const copy = await copyRows(final.pool, await schemaTables(final.pool, SCHEMA), ctx.runDir, watch);
    await dropReplayed(final.pool);
    const journal = await journalCopy(final.pool, {
      world,
      records: final.records,
      publisher: PUBLISHER,
      partitions: LEDGER_TOPIC_PARTITIONS,
      dir: ctx.runDir,
      watch,
      log: ctx.log,
    });
    const { rows: envelopes } = await final.pool.query(`SELECT envelope::text AS e FROM ledger.journal WHERE disposition = 'applied' ORDER BY partition, "offset" LIMIT 20000`);
    const stages = replayStages(
      { events: final.folded, nodeSeconds: final.nodeSeconds, postgresSeconds: final.postgresSeconds, seconds: final.seconds, phases: final.phases },
      envelopes.map((r) => r.e as string),
    );
    ctx.log('replay: ConsumerPerformance');
    const kafka = await kafkaBaseline(ctx, world, final.records, watch);

    const rate = final.folded / final.seconds;
    const label = final.finished
      ? `replayed events/s (${fmt(final.records)} events)`
      : `replayed events/s (${fmt(final.folded)} of ${fmt(final.records)} events folded when stopped)`;
    const figures: Figure[] = [
      {
        label,
        value: rate,
        unit: 'events/s',
        better: 'higher',
        baseline: { label: `ConsumerPerformance reading ${fmt(kafka.records)} records of the same size`, value: kafka.recordsPerSec },
        target: Math.ceil(WANTED / TARGET_SECONDS),
        note: 'replayFrozen into a fresh schema, this process',
      },
      {
        label: 'the same, against the journal COPY',
        value: rate,
        unit: 'events/s',
        better: 'higher',
        baseline: { label: `COPY FROM STDIN of ${fmt(journal.rows)} journal rows alone, one per event (the journal's columns and 3 indexes)`, value: journal.perSecond },
        target: Math.ceil(journal.perSecond * TARGET_JOURNAL_COPY_RATIO),
        note: `target ${TARGET_JOURNAL_COPY_RATIO}× the journal COPY of the same run and size (issue 12)`,
      },
      {
        label: 'the same, against a COPY of its rows',
        value: rate,
        unit: 'events/s',
        better: 'higher',
        baseline: {
          label: `COPY FROM STDIN of the ${fmt(copy.rows)} read-model rows it wrote (${(copy.rows / final.folded).toFixed(1)} per event, ${copy.tables} tables), as events/s`,
          value: final.folded / copy.seconds,
        },
        note: `the floor of storing what the replay stores, with its keys and indexes; ${fmt(copy.bytes / copy.rows)} bytes per row in COPY text format`,
      },
    ];
    if (final.finished && final.records === WANTED) {
      figures.push({
        label: `seconds to replay ${fmt(WANTED)} events`,
        value: final.seconds,
        unit: 's',
        better: 'lower',
        baseline: { label: 'ConsumerPerformance, as many records', value: kafka.records / kafka.recordsPerSec },
        target: TARGET_SECONDS,
      });
    }
    const tables: Table[] = [
      { title: `Replays, one per size (each on its own database; stopped past ${BUDGET_SECONDS} s)`, header: LADDER_HEADER, rows: rungs.map(rungRow) },
      { title: `Baselines (${fmt(final.records)} records)`, header: BASELINE_HEADER, rows: baselineRows(copy, kafka, journal) },
      stageTable(`CPU per event by stage, replay of ${fmt(final.folded)} events (this process and the replay database's PostgreSQL backends, over the fold)`, stages),
      rowsTable(`Rows per event, each table the replay wrote (${SCHEMA}, ${fmt(final.folded)} events)`, rows),
    ];
    if (final.profile)
      tables.push(
        ...profileTables(final.profile, `replay of ${fmt(final.records)}`, PROJECTION_STAGES).map((t) => ({
          ...t,
          title: t.title.replace('Server CPU profile', 'Replay CPU profile (this process)'),
        })),
      );
    if (final.sql) tables.push(sqlTable(final.sql, final.wall, `Replay of ${fmt(final.records)} (the digest after the fold included)`));
    const stageNote = `CPU by stage: Node from process.cpuUsage() and PostgreSQL from /proc/<pid>/schedstat of every backend of the replay's database (sampled every 250 ms, so a connection that closes keeps its last reading), both from the call to the last chunk committed (the digest after it excluded). Decode is JSON.parse of the same journal's stored envelopes (up to 20,000, their text), timed apart: the replay reads each envelope as its jsonb text and parses it as the fold reaches the record, so it is part of the replay's Node CPU; the rest of the Node CPU is the fold, formatting and the pg client. Today's replay neither validates nor hashes ("–").`;
    return { figures, tables, notes: [...notes(ctx, world, rungs, final, skipped, kafka), copyNote(copy, final.folded, 'replay'), journalCopyNote(journal), stageNote] };
  },
};

/** The full run's sizes: those of FULL_LADDER up to BENCH_REPLAY_EVENTS (default DEFAULT_MAX), and that size itself. */
function replayLadder(): number[] {
  const max = Number(process.env.BENCH_REPLAY_EVENTS) || DEFAULT_MAX;
  if (!Number.isInteger(max) || max <= 0) throw new Error(`BENCH_REPLAY_EVENTS must be a positive whole number of events, not ${process.env.BENCH_REPLAY_EVENTS}`);
  const below = FULL_LADDER.filter((n) => n < max);
  return [...below, max];
}

/** Writes the journal of the first `records` events on a fresh database and replays it, stopping past the budget. */
async function replayRung(ctx: BenchContext, world: WorldOptions, records: number, watch: Watched): Promise<Rung> {
  const db = await ctx.freshDatabase('bench_replay');
  const pool = createPool(db.url, { max: 4 });
  ctx.log(`replay: writing a journal of ${fmt(records)} events`);
  const built = process.hrtime.bigint();
  await writeJournal(pool, { world, records, publisher: PUBLISHER, partitions: LEDGER_TOPIC_PARTITIONS, group: 'bench-replay', topic: 'bench-replay' });
  const journalSeconds = Number(process.hrtime.bigint() - built) / 1e9;
  // As autovacuum would have done to a journal that size.
  await pool.query('VACUUM ANALYZE ledger.journal');

  ctx.log(`replay: replaying ${fmt(records)} events into ${SCHEMA}`);
  const backends = new DatabaseCpuMeter(db.url);
  await backends.start();
  const profiler = ctx.profile ? new CpuProfiler() : undefined;
  const sqlTimer = ctx.profile ? new SqlTimer() : undefined;
  sqlTimer?.start();
  await profiler?.start();
  const endCpu = cpuWindow(watch, 'bench');
  const nodeStart = process.cpuUsage();
  let nodeSeconds = 0;
  const phases: ReplayPhaseCpu[] = [];
  let postgresSeconds = 0;
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let folded = 0;
  let seconds: number;
  let finished = true;
  try {
    // The progress callback runs between two committed chunks: throwing there stops the replay cleanly.
    const result = await replayFrozen(
      pool,
      SCHEMA,
      {},
      {
        onProgress: (p) => {
          folded = p.events;
          const node = process.cpuUsage(nodeStart);
          nodeSeconds = (node.user + node.system) / 1e6;
          postgresSeconds = backends.readNow();
          // CPU by phase of the bulk build: what was spent up to the first report of the next phase.
          const last = phases[phases.length - 1];
          if (!last || last.phase !== p.phase) phases.push({ phase: p.phase, node: nodeSeconds, postgres: postgresSeconds });
          if (elapsed() > BUDGET_SECONDS) throw new OverBudget();
        },
      },
    );
    if (result.events !== records) throw new Error(`the replay folded ${result.events} events, expected ${records}`);
    seconds = result.seconds;
  } catch (e) {
    if (!(e instanceof OverBudget)) throw e;
    finished = false;
    seconds = elapsed();
  }
  const wall = elapsed();
  const cpu = endCpu();
  const profile = profiler ? join(ctx.runDir, `replay-${records}.cpuprofile`) : undefined;
  if (profiler && profile) await profiler.stopTo(profile);
  const sql = sqlTimer?.stop();
  await backends.stop();
  return { records, folded, finished, seconds, wall, journalSeconds, cpu: cpu.use, topOthers: cpu.topOthers, pool, profile, sql, nodeSeconds, postgresSeconds, phases };
}

/** The replayed read models are kept until the COPY baseline has read them (each rung has its own database). */
async function dropReplayed(pool: Pool): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
}

/**
 * How long a replay of `records` should take from the finished ones: the time taken to grow as
 * N^k, k from the last two (at least 1), or linearly from a single one; 0 with none.
 */
function predict(done: Rung[], records: number): number {
  if (!done.length) return 0;
  const b = done[done.length - 1];
  const a = done[done.length - 2];
  const k = a ? Math.max(1, Math.log(b.seconds / a.seconds) / Math.log(b.records / a.records)) : 1;
  return b.seconds * (records / b.records) ** k;
}

function notes(
  ctx: BenchContext,
  world: WorldOptions,
  rungs: Rung[],
  final: Rung,
  skipped: { records: number; predicted: number } | undefined,
  kafka: ConsumerPerfResult,
): string[] {
  const stopped = rungs.find((r) => !r.finished);
  const why = ctx.quick
    ? '--quick replays 50,000 events only.'
    : final.finished && final.records === WANTED
      ? `All ${fmt(WANTED)} events replayed within ${BUDGET_SECONDS} s.`
      : final.finished && final === rungs[rungs.length - 1] && !skipped
        ? `The climb ends at ${fmt(final.records)} events (BENCH_REPLAY_EVENTS, default ${fmt(DEFAULT_MAX)}; BENCH_REPLAY_EVENTS=${WANTED} climbs to the million).`
        : stopped
          ? `The replay of ${fmt(stopped.records)} was stopped after ${BUDGET_SECONDS} s with ${fmt(stopped.folded)} events folded; the figure is the largest size that finished${final === stopped ? ' (none did: it is the rate of the stopped one)' : ''}, nothing extrapolated.`
          : skipped
            ? `${fmt(skipped.records)} was not tried: the finished sizes predict ${fmt(skipped.predicted)} s for it (time taken to grow as N^k, k from the last two sizes), past the ${BUDGET_SECONDS} s budget. The figure is the largest size that finished, nothing extrapolated.`
            : '';
  return [
    `Each size has its own database. Its journal is written before the replay, untimed: the rows the projector would journal for the first N events of the bench world (bench/harness/world/world.ts, shaped for ${fmt(world.events)} events), with the projector's journal writer and hash chain, without folding the read models (a replay reads the journal alone); then VACUUM ANALYZE, as autovacuum would have done.`,
    `${why} Replay seconds are replayFrozen's own: fresh schema and fold; the digest after it is not counted.`,
    `ConsumerPerformance reads a fresh ${LEDGER_TOPIC_PARTITIONS}-partition topic filled by ProducerPerformance with ${fmt(final.records)} values of the bench world's records (the values only: our records also carry a key and CloudEvents headers); its rate excludes the group join (${fmt(kafka.rebalanceMs)} ms; ${fmt(kafka.recordsPerSecWithJoin)}/s with it).`,
    `CPU columns: percent of one core (200 % is this whole machine); "bench" is this process, which runs the replay; "tool" is the Kafka tool's JVM.`,
  ];
}

async function kafkaBaseline(ctx: BenchContext, world: WorldOptions, records: number, watch: Watched): Promise<ConsumerPerfResult> {
  const topics = await ctx.freshTopics('bench-replay');
  const sample: string[] = [];
  for (const { body, isRegistry } of worldEvents(world, records)) {
    if (!isRegistry) sample.push(toMessage(body, PUBLISHER, false).value.toString('utf8'));
    if (sample.length === 5_000) break;
  }
  const payloadFile = join(ctx.runDir, 'replay-payloads.txt');
  writeFileSync(payloadFile, sample.join('\n') + '\n');
  const brokers = await ctx.brokers();
  await fillTopic(brokers, topics.events, payloadFile, records);
  return consumerPerformance({ brokers, topic: topics.events, records, watch });
}

const CPU_COLUMNS = ['CPU % bench', 'tool', 'broker', 'postgres', 'others', 'machine', 'busiest others'];
const LADDER_HEADER = ['events', 'journal written in s', 'replay s', 'events/s', 'finished', ...CPU_COLUMNS];
const BASELINE_HEADER = ['baseline', 'records', 'seconds', 'records/s', ...CPU_COLUMNS];

const cpuColumns = (use: CpuUse, topOthers: string[]) => cpuCells(use, ['bench', 'tool', 'broker', 'postgres'], topOthers);

function rungRow(r: Rung): (string | number)[] {
  return [fmt(r.records), fmt(r.journalSeconds), fmt(r.seconds), fmt(r.folded / r.seconds), r.finished ? 'yes' : `no: ${fmt(r.folded)} folded`, ...cpuColumns(r.cpu, r.topOthers)];
}

function baselineRows(copy: CopyResult, kafka: ConsumerPerfResult, journal: JournalCopyResult): (string | number)[][] {
  return [
    [
      `journal COPY: journal rows alone, one per event (1 table, 3 indexes)`,
      fmt(journal.rows),
      fmt(journal.seconds),
      fmt(journal.perSecond),
      ...cpuColumns(journal.cpu, journal.topOthers),
    ],
    [`COPY of the read-model rows the replay wrote (${copy.tables} tables)`, fmt(copy.rows), fmt(copy.seconds), fmt(copy.perSecond), ...cpuColumns(copy.cpu, copy.topOthers)],
    [
      'ConsumerPerformance (group join excluded)',
      fmt(kafka.records),
      fmt(kafka.records / kafka.recordsPerSec),
      fmt(kafka.recordsPerSec),
      ...cpuColumns(kafka.cpu, kafka.topOthers),
    ],
  ];
}
