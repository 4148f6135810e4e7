import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { LEDGER_TOPIC_PARTITIONS, LedgerTopics } from '@ledger/contracts';
import { PROJECTOR_TRANSACTION_RECORDS } from '@ledger/config';
import { createPool } from '@ledger/postgres';
import { READ_SCHEMA, readModelDigest } from '@ledger/read-models';
import { copyNote, copyRows, CopyResult, schemaTables } from '../harness/baselines/copy';
import { applySqlShape, InProcessResult } from '../harness/baselines/inproc-apply';
import { journalCopy, journalCopyNote, JournalCopyResult } from '../harness/baselines/journal-copy';
import { projectionStages, stageTable } from '../harness/measure/stage-cpu';
import { rowsPerEvent, RowsPerEvent, rowsTable } from '../harness/measure/rows';
import { profileFile } from '../harness/report/load-report';
import { preloadWorld } from '../harness/world/preload';
import { PROJECTION_STAGES } from '../harness/report/projection-stages';
import { CatchUp, infraWatch, journalDispositions, serverEnv, startBenchServer, waitForCatchUp } from '../harness/ledger/projector-run';
import { cpuCells, fmt } from '../harness/report/format';
import { profileTables, sqlTable } from '../harness/report/profile';
import { CpuUse, Figure, Scenario, Table, Watched } from '../harness/types';

const TARGET_EVENTS_PER_SEC = 25_000;
/** Issue 12: projection at ≥ 0.2× a COPY of the journal rows alone, and ≤ 5 rows written per event. */
const TARGET_JOURNAL_COPY_RATIO = 0.2;
const TARGET_ROWS_PER_EVENT = 5;
/** The projector's measured window ends here at the latest (from its first progress), done or not. */
const MAX_SECONDS = 240;
const QUICK_MAX_SECONDS = 90;
const PUBLISHER = 'bench-direct';

/**
 * Issue 4: projection throughput. N events of a made-up world (bench/harness/world/world.ts) are
 * written straight to a fresh ledger topic; then the projector starts as its own process (the real
 * ProjectorModule) and catches up. The figure is its sustained rate, from the first progress it
 * stores to the N-th record. Baselines from the same run: the projector's own transactions (its
 * BatchApplier) run from this process with no Kafka and their decoding untimed (its SQL shape), and
 * a COPY of every row it wrote (journal and read models): the floor of writing what it stores.
 * Then (issue 17) the same topic is consumed again by two projector processes of one group, into a
 * fresh database: their rate beside one process's, the CPU of each, and their read models' digest
 * against the one-process run's.
 */
export const scenario: Scenario = {
  name: 'projection.throughput',
  title: 'projector catching up on a pre-loaded topic, Kafka → PostgreSQL',
  order: 30,
  async run(ctx) {
    const records = ctx.quick ? 20_000 : 200_000;
    const world = { events: records };
    const brokers = await ctx.brokers();
    const watch = infraWatch(brokers);
    const db = await ctx.freshDatabase('bench_projection');
    const topics = await ctx.freshTopics('bench-projection');
    ctx.log(`projection.throughput: writing ${fmt(records)} events to ${topics.events}`);
    const pre = await preloadWorld(brokers, topics.events, world, records, PUBLISHER);
    ctx.log(`projection.throughput: written in ${pre.seconds.toFixed(1)} s; starting the projector`);

    const group = `bench-projector-${randomBytes(4).toString('hex')}`;
    const pool = createPool(db.url, { max: 2 });
    ctx.defer(() => pool.end());
    const server = await startBenchServer(ctx, 'projector', ['projector'], topics, serverEnv(ctx, db, brokers, group));
    const profile = profileFile(ctx, 'projection-throughput');
    const maxSeconds = ctx.quick ? QUICK_MAX_SECONDS : MAX_SECONDS;
    const run = await waitForCatchUp(pool, server, { group, records, watch, profileFile: profile, maxSeconds, log: ctx.log });
    await server.stop();
    const dispositions = await journalDispositions(pool);
    if (dispositions.duplicate || dispositions.rejected) throw new Error(`the journal holds ${JSON.stringify(dispositions)}: the bench world's events must all apply`);
    const applied = dispositions.applied ?? 0;
    const digest = run.complete ? await readModelDigest(pool) : undefined;
    const two = await twoProcesses(ctx, { topics, brokers, watch, records, maxSeconds, digest });
    const fetched = run.server.batches?.count ? Math.max(1, Math.round(run.server.batches.records / run.server.batches.count)) : 500;
    // The in-process baselines run the projector's transactions: a fetched batch is applied in parts of at most this many records.
    const batchSize = Math.min(fetched, Number(process.env.LEDGER_PROJECTOR_TRANSACTION_RECORDS) || PROJECTOR_TRANSACTION_RECORDS);
    ctx.log(`projection.throughput: ${fmt(run.perSecond)} events/s; mean batch ${fetched} records fetched, transactions of ${batchSize}. COPY of the rows it wrote`);
    // Whatever tables the two schemas hold now (the read side adds and removes them, and may move facts to the ledger schema).
    const rows = await rowsPerEvent(pool, [{ schema: 'ledger' }, { schema: READ_SCHEMA }], applied);
    const copy = await copyRows(pool, [{ schema: 'ledger', table: 'journal' }, ...(await schemaTables(pool, READ_SCHEMA))], ctx.runDir, watch);
    const journal = await journalCopy(pool, { world, records: applied, publisher: PUBLISHER, partitions: LEDGER_TOPIC_PARTITIONS, dir: ctx.runDir, watch, log: ctx.log });

    // The baseline applies as many events as the projector did (all of them, or what its time allowed).
    const spec = { world, records: applied, publisher: PUBLISHER, batchSize, partitions: LEDGER_TOPIC_PARTITIONS, group: 'bench-inproc', topics, watch };
    ctx.log(`projection.throughput: the projector's transactions from this process (SQL shape), ${batchSize}-record batches`);
    const sqlDb = await ctx.freshDatabase('bench_projection_sql');
    const sqlPool = createPool(sqlDb.url, { max: 2 });
    ctx.defer(() => sqlPool.end());
    const sql = await applySqlShape(sqlPool, spec);
    const stageEvents = Math.min(applied, Number(process.env.BENCH_STAGE_EVENTS) || applied);
    ctx.log(`projection.throughput: CPU by stage over ${fmt(stageEvents)} events, ${batchSize}-record batches`);
    const stageDb = await ctx.freshDatabase('bench_projection_stages');
    const stagePool = createPool(stageDb.url, { max: 1 });
    ctx.defer(() => stagePool.end());
    const stages = await projectionStages(stagePool, { world, records: stageEvents, publisher: PUBLISHER, partitions: LEDGER_TOPIC_PARTITIONS, batchSize });

    const figures = [...throughputFigures(run, sql, copy, batchSize, applied), twoFigure(run, two), journalFigure(run, journal), rowsFigure(rows)];
    const tables: Table[] = [
      { title: 'Runs (CPU over each measured part)', header: RUN_HEADER, rows: runRows(run, two, sql, copy, journal, applied) },
      rowsTable(
        `Rows per event, each table of the read-model schema (${READ_SCHEMA}) and of the ledger schema (the journal…) that holds rows, after the projector applied ${fmt(applied)} events`,
        rows,
      ),
      stageTable(
        `CPU per event by stage, projection (this process, the projector's library calls one stage at a time; ${fmt(stageEvents)} events, ${batchSize}-record batches of one partition)`,
        stages,
      ),
    ];
    if (profile)
      tables.push(
        ...profileTables(profile, 'projector catching up', PROJECTION_STAGES).map((t) => ({ ...t, title: t.title.replace('Server CPU profile', 'Projector CPU profile') })),
      );
    if (run.server.sql) tables.push(sqlTable(run.server.sql, run.seconds, 'Projector catching up'));
    const b = run.server.batches;
    const notes = [
      `${fmt(records)} records (${pre.registry} registrations and affiliations, then proposals and what 48 states and their persons say and do about them; bench/harness/world/world.ts), ${fmt(pre.valueBytes)}-byte values on average, written to a fresh ${LEDGER_TOPIC_PARTITIONS}-partition topic in ${pre.seconds.toFixed(1)} s before the projector started.`,
      (run.complete
        ? `The projector applied all ${fmt(records)} records. `
        : `The projector had applied ${fmt(run.records)} of the ${fmt(records)} records when its ${maxSeconds} s window ended; the rate is over those, and the baselines work on as many. `) +
        `Its rate counts from the first stored offset it was seen to move (${fmt(run.atFirstSample)} records in) to the last sample that saw progress (every 100 ms); from its \`ready\` (consumer subscribed, group join included) that took ${run.secondsFromReady.toFixed(1)} s. Batches it applied in the window: ${b ? `${fmt(b.count)}, ${fmt(b.p50)} records median, ${fmt(b.max)} largest` : 'not reported'}. Journal: ${Object.entries(
          dispositions,
        )
          .map(([k, n]) => `${fmt(n)} ${k}`)
          .join(', ')}.`,
      twoNote(run, two),
      coresNote(run, two),
      `The SQL-shape baseline is the projector's own BatchApplier, run in this process on a fresh database with batches made here, one transaction at a time (the projector runs up to 3 partitions at once, and batches of different partitions write at the same time), with the projector's mean batch size; only its transactions are timed (journal rows and their hash chain included, as in the projector), not making the batches nor decoding their records, which BatchApplier does before its transaction (the CPU columns include both).`,
      copyNote(copy, applied, 'projector'),
      journalCopyNote(journal),
      `Rows per event: \`count(*)\` of every table the read-model schema and the ledger schema hold after the run (whatever tables they have; tables with no rows left out), the journal and the projector's bookkeeping (offsets, live feed) included; "inserted + updated" is PostgreSQL's own count of the rows written to each table (pg_stat_user_tables), rows written and deleted again (re-folds, re-aggregation) included. Target ≤ ${TARGET_ROWS_PER_EVENT} rows stored per event.`,
      `CPU by stage: the projector's library calls (JSON.parse, validateEnvelope, canonicalEnvelope and chainHash, appliedContent, insertJournal, ReadModels.apply) run from this process on a fresh database, one stage after the other for each batch; Node µs from process.cpuUsage() around each stage, PostgreSQL µs from the CPU of the one backend that ran the transaction (/proc/<pg_backend_pid()>/schedstat before and after each statement group; the server runs on this machine). "read models" is all the Node work of ReadModels.apply — fold, row formatting, and the pg client's protocol work for its ~43 statements per batch — which today's code does not separate; offsets and notifications are left out. "events/s these allow" is 1,000,000 ÷ µs per event: the rate one core would reach doing only that work.`,
      `CPU columns: percent of one core over the measured part (200 % is this whole machine); "bench" is this process (sampling the offsets, or running the baseline's BatchApplier), "postgres" sums every PostgreSQL backend, "others" is the rest of the machine (other people's processes, and kernel time no process is charged for: noise).`,
    ];
    return { figures, tables, notes };
  },
};

interface TwoProcesses {
  run: CatchUp;
  /** Whether the read models equal the one-process run's (their digests); undefined when one of the runs did not apply every record. */
  equal?: boolean;
  /** Tables whose digest differs. */
  differing: string[];
  /** Records of each partition of the topic (the journal's rows): how evenly the two processes' shares can be. */
  partitions: number[];
}

/**
 * Issue 17: the same pre-loaded topic again, now consumed by two projector processes of one new
 * consumer group, started together, into a fresh database; measured like the one-process run. The
 * same topic (not a fresh one written again) because the read models keep each record's partition,
 * offset and Kafka timestamp: only then must the two folds be byte-identical.
 */
async function twoProcesses(
  ctx: Parameters<Scenario['run']>[0],
  spec: { topics: LedgerTopics; brokers: string[]; watch: Watched; records: number; maxSeconds: number; digest?: Record<string, string> },
): Promise<TwoProcesses> {
  const db = await ctx.freshDatabase('bench_projection_two');
  const group = `bench-projector-two-${randomBytes(4).toString('hex')}`;
  const pool = createPool(db.url, { max: 2 });
  ctx.defer(() => pool.end());
  ctx.log(`projection.throughput: the same topic again, two projector processes of one group (${group})`);
  const env = serverEnv(ctx, db, spec.brokers, group);
  const servers = await Promise.all([1, 2].map((i) => startBenchServer(ctx, `projector-two-${i}`, ['projector'], spec.topics, env)));
  const run = await waitForCatchUp(pool, servers, { group, records: spec.records, watch: spec.watch, maxSeconds: spec.maxSeconds, log: ctx.log });
  await Promise.all(servers.map((s) => s.stop()));
  const dispositions = await journalDispositions(pool);
  if (dispositions.duplicate || dispositions.rejected)
    throw new Error(`the two-process run's journal holds ${JSON.stringify(dispositions)}: the bench world's events must all apply`);
  const { rows } = await pool.query(`SELECT partition, count(*)::int AS n FROM ledger.journal GROUP BY partition ORDER BY partition`);
  const partitions = rows.map((r) => r.n as number);
  if (!run.complete || !spec.digest) return { run, partitions, differing: [] };
  const digest = await readModelDigest(pool);
  const tables = [...new Set([...Object.keys(spec.digest), ...Object.keys(digest)])].sort();
  const differing = tables.filter((t) => spec.digest![t] !== digest[t]);
  ctx.log(
    `projection.throughput: two processes ${fmt(run.perSecond)} events/s; read models equal to the one-process run: ${differing.length ? `no (${differing.join(', ')})` : 'yes'}`,
  );
  return { run, partitions, equal: differing.length === 0, differing };
}

function equality(two: TwoProcesses): string {
  if (two.equal === undefined) return 'not compared (a run did not apply every record in its window)';
  return two.equal ? 'yes' : `no (${two.differing.join(', ')} differ)`;
}

function twoFigure(one: CatchUp, two: TwoProcesses): Figure {
  const { run } = two;
  return {
    label: 'projected events/s, two projector processes of one group',
    value: run.perSecond,
    unit: 'events/s',
    better: 'higher',
    baseline: { label: 'one projector process (the first figure), same topic', value: one.perSecond },
    note: `two processes started together on the same pre-loaded topic, a fresh database and consumer group; ${twoWindow(run, false)}; read models equal to the one-process run: ${equality(two)}`,
  };
}

/** What the two-process window covers: from both applying when they did, else the whole run (and why). */
function twoWindow(run: CatchUp, long: boolean): string {
  const t = run.together;
  const whole = t
    ? `over the whole run from the first progress ${fmt(t.wholeRun.perSecond)} events/s (${fmt(t.wholeRun.records)} records in ${t.wholeRun.seconds.toFixed(1)} s)`
    : '';
  if (t?.restarted)
    return long
      ? `The window starts when both processes had applied a batch, ${t.afterSeconds!.toFixed(1)} s after the group's first progress (${fmt(run.atFirstSample)} records in; until then the first to join held every partition, until the group rebalanced as the second joined): the rate of the two applying together, over ${fmt(run.records - run.atFirstSample)} records to the last; ${whole}`
      : `sustained rate from both applying (${t.afterSeconds!.toFixed(1)} s after the first progress) to ${run.complete ? 'the last record' : 'the end of the window'}; ${whole}`;
  const why =
    t?.afterSeconds === null || t?.afterSeconds === undefined
      ? 'the second process applied no batch before the end (the first to join held every partition throughout): this is one process working in a group of two'
      : `the second process applied its first batch only ${t.afterSeconds.toFixed(1)} s after the first progress, with less than half the records left (the rebalance as it joined included)`;
  return long ? `The window is the whole run from the first progress (${fmt(run.atFirstSample)} records in): ${why}` : `rate over the whole run from the first progress: ${why}`;
}

function twoNote(one: CatchUp, two: TwoProcesses): string {
  const { run } = two;
  const each = run.processes.map(
    (p, i) =>
      `process ${i + 1}: ${p.stats.batches ? `${fmt(p.stats.batches.records)} records in ${fmt(p.stats.batches.count)} batch${p.stats.batches.count === 1 ? '' : 'es'}` : 'no batch'}, ${fmt(p.cpu)} % CPU`,
  );
  return (
    `Two processes: the same topic consumed again by two projector processes of one new consumer group, started together (each a bench server hosting the ProjectorModule), into a fresh database; the rate is the group's stored offsets over the window, sampled as for one process (${run.secondsFromReady.toFixed(1)} s from both \`ready\`s to the last record, group joins and rebalance included). ${twoWindow(run, true)}. ` +
    `${run.complete ? `They applied all ${fmt(run.records)} records` : `They had applied ${fmt(run.records)} of the records when the window ended`}; in the window ${each.join('; ')} (records per partition of the topic: ${two.partitions.map(fmt).join(', ')}; the group gives each process whole partitions). ` +
    `${(run.perSecond / one.perSecond).toFixed(2)}× the one-process rate. Read models equal to the one-process run: ${equality(two)} (readModelDigest of every read-model table, compared after both runs; the fold does not depend on the order in which partitions are applied).`
  );
}

/** Where the cores went in the one- and two-process runs: what bounds a second process on this machine. */
function coresNote(one: CatchUp, two: TwoProcesses): string {
  const cores = cpus().length;
  const named = ['server', 'bench', 'broker', 'postgres'];
  const others = (run: CatchUp) => Math.max(0, (run.cpu.machine ?? 0) - named.reduce((n, k) => n + (run.cpu[k] ?? 0), 0));
  const where = (run: CatchUp) =>
    `projector${run.processes.length > 1 ? 's' : ''} ${fmt(run.cpu.server ?? NaN)} %${run.processes.length > 1 ? ` (${run.processes.map((p) => fmt(p.cpu)).join(' + ')})` : ''}, PostgreSQL ${fmt(run.cpu.postgres ?? NaN)} %, broker ${fmt(run.cpu.broker ?? NaN)} %, this process ${fmt(run.cpu.bench ?? NaN)} %, others ${fmt(others(run))} %: ${fmt(run.cpu.machine ?? NaN)} % of ${cores * 100} %`;
  const idle = Math.max(0, cores * 100 - (one.cpu.machine ?? 0));
  const delta = (a: number, b: number) => `${b - a >= 0 ? '+' : '−'}${fmt(Math.abs(b - a))}`;
  const t = two.run;
  const idleTwo = Math.max(0, cores * 100 - (t.cpu.machine ?? 0));
  const moved =
    `projectors ${delta(one.cpu.server ?? 0, t.cpu.server ?? 0)}, PostgreSQL ${delta(one.cpu.postgres ?? 0, t.cpu.postgres ?? 0)}, ` +
    `broker ${delta(one.cpu.broker ?? 0, t.cpu.broker ?? 0)}, this process ${delta(one.cpu.bench ?? 0, t.cpu.bench ?? 0)}, others ${delta(others(one), others(t))}`;
  return (
    `On this ${cores}-core machine (${cores * 100} % in the CPU columns) the gain of a second process is bounded by the cores: the projectors, PostgreSQL's backends and the broker share them, and a second process can only use what the first left idle. ` +
    `One process: ${where(one)}, leaving ${fmt(idle)} % idle. Two processes (their window): ${where(t)}. ` +
    `From one to two processes the machine went ${delta(one.cpu.machine ?? 0, t.cpu.machine ?? 0)} points (${moved}) for ${(t.perSecond / one.perSecond).toFixed(2)}× the rate; ` +
    `what "others" took (other people's processes on this shared machine) was not there for the projection. ` +
    (idleTwo >= 20
      ? `The two-process window still left ${fmt(idleTwo)} % idle, so the cores were not the whole bound: part of the time went to waiting rather than computing (PostgreSQL writes and locks, Kafka fetches). `
      : '') +
    `More processes pay on machines with more cores, or with PostgreSQL elsewhere (docs/deployment.md).`
  );
}

function throughputFigures(run: CatchUp, sql: InProcessResult, copy: CopyResult, batchSize: number, events: number): Figure[] {
  const how = `projector process, sustained rate over ${run.complete ? `all ${fmt(run.records)}` : `the first ${fmt(run.records)}`} pre-loaded records`;
  const figure = (label: string, baseline: Figure['baseline'], target?: number, note = how): Figure => ({
    label,
    value: run.perSecond,
    unit: 'events/s',
    better: 'higher',
    baseline,
    target,
    note,
  });
  return [
    figure(
      'projected events/s',
      { label: `the projector's transactions from this process, no Kafka (SQL shape, ${batchSize}-record batches)`, value: sql.perSecond },
      TARGET_EVENTS_PER_SEC,
    ),
    figure(
      'the same, against a COPY of its rows',
      {
        label: `COPY FROM STDIN of the ${fmt(copy.rows)} rows it wrote (${(copy.rows / events).toFixed(1)} per event, ${copy.tables} tables: journal and read models), as events/s`,
        value: events / copy.seconds,
      },
      undefined,
      `the floor of storing what the projection stores, with its keys and indexes; ${fmt(copy.bytes / copy.rows)} bytes per row in COPY text format`,
    ),
  ];
}

function journalFigure(run: CatchUp, journal: JournalCopyResult): Figure {
  return {
    label: 'the same, against the journal COPY',
    value: run.perSecond,
    unit: 'events/s',
    better: 'higher',
    baseline: { label: `COPY FROM STDIN of ${fmt(journal.rows)} journal rows alone, one per event (the journal's columns and 3 indexes)`, value: journal.perSecond },
    target: Math.ceil(journal.perSecond * TARGET_JOURNAL_COPY_RATIO),
    note: `target ${TARGET_JOURNAL_COPY_RATIO}× the journal COPY of the same run (issue 12): the cost of storing each event once`,
  };
}

function rowsFigure(rows: RowsPerEvent): Figure {
  return {
    label: 'rows stored per event (ledger and read-model schemas)',
    value: rows.rows / rows.events,
    unit: 'rows/event',
    better: 'lower',
    target: TARGET_ROWS_PER_EVENT,
    note: `count(*) of each of the ${rows.tables.length} tables of the ledger and read-model schemas that hold rows after the run; ${(rows.written / rows.events).toFixed(1)} rows inserted or updated per event (PostgreSQL's statistics)`,
  };
}

const RUN_HEADER = [
  'run',
  'records',
  'batches',
  'seconds',
  'events/s',
  'loop p99/max ms',
  'GC ms (longest)',
  'CPU % projector',
  'bench',
  'broker',
  'postgres',
  'others',
  'machine',
  'busiest others',
];

function runRows(run: CatchUp, two: TwoProcesses, sql: InProcessResult, copy: CopyResult, journal: JournalCopyResult, events: number): (string | number)[][] {
  const cpu = (use: CpuUse, topOthers: string[]) => cpuCells(use, ['server', 'bench', 'broker', 'postgres'], topOthers);
  const b = run.server.batches;
  const t = two.run;
  const perProcess = (cell: (p: CatchUp['processes'][number]) => string) => t.processes.map(cell).join(' + ');
  const twoCpu = cpu(t.cpu, t.topOthers);
  twoCpu[0] = `${twoCpu[0]} (${perProcess((p) => fmt(p.cpu))})`;
  return [
    [
      'projector process (Kafka → PostgreSQL)',
      fmt(run.records - run.atFirstSample),
      b ? `${fmt(b.count)} (median ${fmt(b.p50)})` : '–',
      fmt(run.seconds),
      fmt(run.perSecond),
      `${fmt(run.server.loopP99)} / ${fmt(run.server.loopMax)}`,
      `${fmt(run.server.gcMs)} (${fmt(run.server.gcMaxMs)})`,
      ...cpu(run.cpu, run.topOthers),
    ],
    [
      'two projector processes, one group (same topic, fresh database)',
      fmt(t.records - t.atFirstSample),
      perProcess((p) => (p.stats.batches ? fmt(p.stats.batches.count) : '–')),
      fmt(t.seconds),
      fmt(t.perSecond),
      `${fmt(t.server.loopP99)} / ${fmt(t.server.loopMax)}`,
      `${fmt(t.server.gcMs)} (${fmt(t.server.gcMaxMs)})`,
      ...twoCpu,
    ],
    ['SQL shape from this process', fmt(sql.records), fmt(sql.batches), fmt(sql.seconds), fmt(sql.perSecond), '–', '–', ...cpu(sql.cpu, sql.topOthers)],
    [
      `COPY of the ${fmt(copy.rows)} rows it wrote (${fmt(copy.perSecond)} rows/s)`,
      fmt(events),
      `${copy.tables} tables`,
      fmt(copy.seconds),
      fmt(events / copy.seconds),
      '–',
      '–',
      ...cpu(copy.cpu, copy.topOthers),
    ],
    [
      `journal COPY: ${fmt(journal.rows)} journal rows alone (${fmt(journal.perSecond)} rows/s)`,
      fmt(journal.rows),
      '1 table',
      fmt(journal.seconds),
      fmt(journal.perSecond),
      '–',
      '–',
      ...cpu(journal.cpu, journal.topOthers),
    ],
  ];
}
