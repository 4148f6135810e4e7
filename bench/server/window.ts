import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { CpuProfiler } from './cpu-profiler';
import { SqlTimer } from '../harness/measure/sql-timer';
import type { BatchStats, WindowStats } from '../harness/types';

/** What the server watches of itself during one measured window. */
export class MeasuredWindow {
  private readonly profiler = new CpuProfiler();
  private readonly sql = new SqlTimer();
  private loop = monitorEventLoopDelay({ resolution: 10 });
  private gc = { total: 0, max: 0 };
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.gc.total += entry.duration;
      this.gc.max = Math.max(this.gc.max, entry.duration);
    }
  });
  private profiling = false;
  private batchSizes: number[] = [];
  private countingBatches = false;

  /** A projector handled a batch of `records`; a window reports the batches handled inside it. */
  countBatch(records: number): void {
    this.countingBatches = true;
    this.batchSizes.push(records);
  }

  async start(profile: boolean): Promise<void> {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.gc = { total: 0, max: 0 };
    this.batchSizes = [];
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.profiling = profile;
    if (profile) {
      this.sql.start();
      await this.profiler.start();
    }
  }

  async end(profileFile?: string): Promise<WindowStats> {
    this.loop.disable();
    this.gcObserver.disconnect();
    const sql = this.profiling ? this.sql.stop().slice(0, 20) : undefined;
    if (this.profiling && profileFile) await this.profiler.stopTo(profileFile);
    this.profiling = false;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const stats: WindowStats = { loopP99: ms(this.loop.percentile(99)), loopMax: ms(this.loop.max), gcMs: Math.round(this.gc.total), gcMaxMs: Math.round(this.gc.max * 10) / 10 };
    if (this.countingBatches) stats.batches = batchStats(this.batchSizes);
    if (sql) stats.sql = sql;
    return stats;
  }
}

function batchStats(sizes: number[]): BatchStats {
  const sorted = [...sizes].sort((a, b) => a - b);
  return {
    count: sorted.length,
    records: sorted.reduce((n, s) => n + s, 0),
    p50: sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0,
    max: sorted.length ? sorted[sorted.length - 1] : 0,
  };
}
