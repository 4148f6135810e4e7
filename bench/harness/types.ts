import type { LedgerTopics } from '@ledger/contracts';
import type { ServerHandle } from './server-process';

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
