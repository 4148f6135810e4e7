import type { SqlTiming } from '../lib/sql-timer';

/** What the bench runner asks a bench server over the IPC channel. */
export type ServerRequest =
  /** A measured window starts: watch the event loop and GC, and profile the CPU when asked. */
  | { kind: 'window-start'; profile: boolean }
  /** It ends: answer what was seen, and write the CPU profile (a .cpuprofile, as `node --cpu-prof` writes) to `profileFile`. */
  | { kind: 'window-end'; profileFile?: string }
  | { kind: 'stop' };

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
  /** With a profile: the SQL statements the server waited for, by total wait (bench/lib/sql-timer.ts). */
  sql?: SqlTiming[];
}

/** Sizes of the batches a projector handled: records per batch (one partition each). */
export interface BatchStats {
  count: number;
  records: number;
  p50: number;
  max: number;
}

/** What a bench server answers. */
export type ServerReply =
  | { kind: 'ready'; url: string; pid: number }
  | { kind: 'done'; request: ServerRequest['kind']; stats?: WindowStats }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: string };
