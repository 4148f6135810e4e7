import type { LedgerTopics } from '@ledger/contracts';

// The bench's shared vocabulary: what scenarios, the runner, the report and the bench servers
// exchange. Types only, and nothing imported from the harness, so that every part can use them.

// --- scenarios and the report ------------------------------------------------------------------

/**
 * One benchmark: a file in bench/scenarios that exports `scenario`. The runner finds every such
 * file, runs those the command line selects, and writes what they return into docs/benchmarks.md.
 */
export interface Scenario {
  /** Dotted name; `npm run bench -- ingest` runs every scenario named `ingest` or `ingest.*`. */
  name: string;
  /** One line for the report heading. */
  title: string;
  /** Scenarios run by ascending order, then name (default 100). */
  order?: number;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

/** What a scenario gets from the runner: infrastructure, timing, and a place for its files. */
export interface BenchContext {
  /** --quick: short phases, fewer levels; a smoke check, not a figure. */
  quick: boolean;
  /** --profile: profile the servers during measured windows (the figures are then a little lower). */
  profile: boolean;
  /** Warm-up and measured window of each load run, in seconds. */
  warmupSec: number;
  measureSec: number;
  /** --connections=a,b,c: the concurrency levels to try instead of the scenario's own. */
  connections?: number[];
  /** A folder for this run's logs and profiles (bench/.runs/<stamp>). */
  runDir: string;
  log(line: string): void;
  /** Kafka bootstrap servers (ensureKafka: KAFKA_BROKERS, a running broker, or one started and stopped again). */
  brokers(): Promise<string[]>;
  /** A fresh database with the ledger's migrations applied; dropped at the end. */
  freshDatabase(prefix: string): Promise<{ name: string; url: string }>;
  /** Fresh ledger and dead-letter topics, as the apps create them; deleted at the end. */
  freshTopics(prefix: string, partitions?: number): Promise<LedgerTopics>;
  /** Starts a bench server from dist/bench (`server/main.js`); stopped at the end. */
  startServer(script: string, options: { name: string; arg: unknown; env: Record<string, string> }): Promise<ServerHandle>;
  /** Runs `cleanup` at the end (last registered, first run), whatever happened. */
  defer(cleanup: () => Promise<unknown>): void;
}

/** A headline number, beside the same run's baseline. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** How the ratio reads: throughput is better higher, latency lower. */
  better: 'higher' | 'lower';
  baseline?: { label: string; value: number };
  target?: number;
  /** One line on how it was measured (concurrency, rate). */
  note?: string;
}

/** A table of the runs behind the figures, for the report. */
export interface Table {
  title: string;
  header: string[];
  rows: (string | number)[][];
}

export interface ScenarioResult {
  figures: Figure[];
  tables?: Table[];
  notes?: string[];
}

// --- bench servers (bench/server) and the runner's side of them --------------------------------

/**
 * What a bench server hosts: `ingest` (the ingest API and the no-op baseline endpoint), `projector`
 * (the projector as apps/projector runs it), `query` (the query API with its live stream), or
 * `commit-only` (a projector that only stores offsets and announces batches: a latency baseline).
 */
export type BenchApp = 'ingest' | 'projector' | 'query' | 'commit-only';

/** argv[2] of a bench server: the runner's fresh topics (the apps' own names are contracts), and what to host (default: ingest). */
export interface BenchServerArg {
  topics: LedgerTopics;
  apps?: BenchApp[];
}

/** A bench server running as its own Node process from the built dist. */
export interface ServerHandle {
  url: string;
  pid: number;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** A measured window starts: the server watches its event loop and GC, and profiles when asked. */
  windowStart(profile: boolean): Promise<void>;
  /** It ends: what the server saw; the CPU profile goes to `profileFile` (.cpuprofile). */
  windowEnd(profileFile?: string): Promise<WindowStats>;
  /** Projector servers: how many batches it has applied since it started (each one reported as it is applied). */
  batchesApplied(): number;
  stop(): Promise<void>;
}

/** What the bench runner asks a bench server over the IPC channel. */
export type ServerRequest =
  /** A measured window starts: watch the event loop and GC, and profile the CPU when asked. */
  | { kind: 'window-start'; profile: boolean }
  /** It ends: answer what was seen, and write the CPU profile (a .cpuprofile, as `node --cpu-prof` writes) to `profileFile`. */
  | { kind: 'window-end'; profileFile?: string }
  | { kind: 'stop' };

/** What a bench server answers. */
export type ServerReply =
  | { kind: 'ready'; url: string; pid: number }
  | { kind: 'done'; request: ServerRequest['kind']; stats?: WindowStats }
  /** Unasked: a projector applied a batch of `records` (so the runner sees which processes of a group are applying). */
  | { kind: 'batch'; records: number }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: string };

/** What the server saw of itself during a measured window. */
export interface WindowStats {
  /** Event-loop delay (ms): how late timers ran, i.e. how long the loop was busy or stalled. */
  loopP99: number;
  loopMax: number;
  /** Garbage-collection pauses in the window: total and longest (ms). */
  gcMs: number;
  gcMaxMs: number;
  /** Projector servers: the batches applied (or committed) in the window, and how many records they held. */
  batches?: BatchStats;
  /** With a profile: the SQL statements the server waited for, by total wait (bench/harness/measure/sql-timer.ts). */
  sql?: SqlTiming[];
}

/** Sizes of the batches a projector handled: records per batch (one partition each). */
export interface BatchStats {
  count: number;
  records: number;
  p50: number;
  max: number;
}

// --- measurements ------------------------------------------------------------------------------

/** One statement shape: how often it ran and how long its callers waited for it (wall time, ms). */
export interface SqlTiming {
  statement: string;
  calls: number;
  totalMs: number;
  rows: number;
}

/**
 * Who to watch during a load window; the machine is always watched. A function names a group that
 * comes and goes (PostgreSQL: a backend per connection, parallel workers, autovacuum): it is asked
 * for its pids at the start and at the end, and the group is counted with its exited children (see
 * groupCpuSeconds), so backends that started or ended during the window count too.
 */
export interface Watched {
  [name: string]: number | number[] | (() => number[]) | undefined;
}

/** CPU use over a window, in percent of one core (200 % = both cores of this machine). */
export type CpuUse = Record<string, number>;

/** What a window measured: the named processes, and the busiest others as `name(pid) percent`. */
export interface CpuReading {
  use: CpuUse;
  topOthers: string[];
}

/** Latency percentiles of one measured window, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
