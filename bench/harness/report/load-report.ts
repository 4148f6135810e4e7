import { join } from 'node:path';
import type { LoadResult, LoadSpec } from '../measure/load';
import type { BenchContext, ServerHandle } from '../types';
import { cpuCells, fmt } from './format';

/** Columns of the per-run table every HTTP load scenario prints. */
export const LOAD_HEADER = [
  'endpoint',
  'load',
  'answers/s',
  'events/s acked',
  'non-2xx',
  'errors',
  'p50 ms',
  'p99 ms',
  'max ms',
  'loop p99/max ms',
  'GC ms (longest)',
  'CPU % server',
  'loader',
  'broker',
  'postgres',
  'others',
  'machine',
  'busiest others',
];

/** One row of LOAD_HEADER; `acked` is the status that counts (202) and `events` the events per request. */
export function loadRow(endpoint: string, r: LoadResult, events = 1, acked = 202): (string | number)[] {
  const load = r.rate ? `${fmt(r.rate)} req/s open loop (${r.connections} conn)` : `${r.connections} in flight`;
  return [
    endpoint,
    load + (r.skipped ? `, ${r.skipped} skipped` : ''),
    answersPerSecond(r),
    fmt(r.perSecond(acked) * events),
    ...outcomeCells(r),
    ...cpuCells(r.cpu, ['server', 'loader', 'broker', 'postgres'], r.topOthers),
  ];
}

/** All answers per second of a run, whatever their status. */
export function answersPerSecond(r: LoadResult): string {
  return fmt(Object.values(r.statuses).reduce((a, b) => a + b, 0) / r.seconds);
}

/** The cells every run table has after its rates: non-2xx, errors, p50/p99/max latency, the server's event loop and GC. */
export function outcomeCells(r: LoadResult): (string | number)[] {
  const non2xx =
    Object.entries(r.statuses)
      .filter(([s]) => !s.startsWith('2'))
      .map(([s, n]) => `${n}×${s}`)
      .join(' ') || '0';
  return [
    non2xx,
    r.errors,
    fmt(r.latency.p50),
    fmt(r.latency.p99),
    fmt(r.latency.max),
    r.server ? `${fmt(r.server.loopP99)} / ${fmt(r.server.loopMax)}` : '–',
    r.server ? `${fmt(r.server.gcMs)} (${fmt(r.server.gcMaxMs)})` : '–',
  ];
}

/** Note that explains the CPU columns once per scenario. */
export const CPU_NOTE =
  '"loop p99/max" is the server\'s event-loop delay in the window (how long it was busy or stalled between turns), "GC ms" its garbage-collection pauses in total and the longest one. CPU columns: percent of one core over the measured window (this machine has 2 cores: 200 % is all of it); "loader" is the load generator (this bench process), "postgres" sums every PostgreSQL backend on the machine, "others" is the rest of the machine (other people\'s processes, and kernel time no process is charged for: noise), "machine" is all of it; "busiest others" names the top ones still running at the end of the window (short-lived ones, such as test-runner workers, are in "others" but not named).';

/**
 * The hooks that have the server watch itself during a measured window (event loop, GC) and, given
 * a file, write a CPU profile of the window there.
 */
export function serverWindow(server: ServerHandle, profileFile?: string): LoadSpec['onMeasure'] {
  return { start: () => server.windowStart(profileFile !== undefined), end: () => server.windowEnd(profileFile) };
}

/** Where the CPU profile of a window goes with --profile (the run folder); undefined without. */
export function profileFile(ctx: BenchContext, name: string): string | undefined {
  return ctx.profile ? join(ctx.runDir, `${name}.cpuprofile`) : undefined;
}
