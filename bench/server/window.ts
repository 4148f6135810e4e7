import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { CpuProfiler } from './cpu-profiler';
import { WindowStats } from './protocol';

/** What the server watches of itself during one measured window. */
export class MeasuredWindow {
  private readonly profiler = new CpuProfiler();
  private loop = monitorEventLoopDelay({ resolution: 10 });
  private gc = { total: 0, max: 0 };
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.gc.total += entry.duration;
      this.gc.max = Math.max(this.gc.max, entry.duration);
    }
  });
  private profiling = false;

  async start(profile: boolean): Promise<void> {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.gc = { total: 0, max: 0 };
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.profiling = profile;
    if (profile) await this.profiler.start();
  }

  async end(profileFile?: string): Promise<WindowStats> {
    this.loop.disable();
    this.gcObserver.disconnect();
    if (this.profiling && profileFile) await this.profiler.stopTo(profileFile);
    this.profiling = false;
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return { loopP99: ms(this.loop.percentile(99)), loopMax: ms(this.loop.max), gcMs: Math.round(this.gc.total), gcMaxMs: Math.round(this.gc.max * 10) / 10 };
  }
}
