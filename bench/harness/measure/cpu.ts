import type { CpuReading, CpuUse, Watched } from '../types';
import { everyProcess, groupCpuSeconds, machineCpuSeconds, processCpuSeconds } from './proc';

/**
 * Starts a CPU window over the named processes (and this process, as `self`, when named); the
 * returned function ends it.
 */
export function cpuWindow(watched: Watched, self?: string): () => CpuReading {
  const all = everyProcess();
  const started = process.hrtime.bigint();
  const machine = machineCpuSeconds();
  const before = new Map<string, Map<number, number>>();
  const groups = new Map<string, { resolve: () => number[]; pids: number[]; cpu: number }>();
  for (const [name, pids] of Object.entries(watched)) {
    if (typeof pids === 'function') {
      const now = pids();
      groups.set(name, { resolve: pids, pids: now, cpu: groupCpuSeconds(now) });
    } else before.set(name, snapshot(pids));
  }
  const ownStart = process.cpuUsage();
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const pct = (cpuSeconds: number) => Math.round((cpuSeconds / seconds) * 1000) / 10;
    const use: CpuUse = {};
    for (const [name, pids] of before) {
      let total = 0;
      for (const [pid, then] of pids) total += (processCpuSeconds(pid) ?? then) - then;
      use[name] = pct(total);
    }
    for (const [name, group] of groups) {
      group.pids = group.resolve();
      use[name] = pct(Math.max(0, groupCpuSeconds(group.pids) - group.cpu));
    }
    if (self) {
      const spent = process.cpuUsage(ownStart);
      use[self] = pct((spent.user + spent.system) / 1e6);
    }
    const now = machineCpuSeconds();
    use.machine = pct(now.busy - machine.busy);
    const ours = new Set([process.pid, ...[...before.values()].flatMap((m) => [...m.keys()]), ...[...groups.values()].flatMap((g) => g.pids)]);
    return { use, topOthers: topOthers(all, ours, pct) };
  };
}

function topOthers(before: Map<number, { comm: string; cpu: number }>, ours: Set<number>, pct: (s: number) => number): string[] {
  const used: [string, number][] = [];
  for (const [pid, now] of everyProcess()) {
    if (ours.has(pid)) continue;
    // A process that started during the window spent all its CPU in it.
    const spent = now.cpu - (before.get(pid)?.cpu ?? 0);
    if (spent > 0) used.push([`${now.comm}(${pid})`, pct(spent)]);
  }
  return used
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .filter(([, p]) => p >= 2)
    .map(([n, p]) => `${n} ${p}`);
}

function snapshot(pids: number | number[] | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids === undefined ? [] : Array.isArray(pids) ? pids : [pids]) {
    const s = processCpuSeconds(pid);
    if (s !== undefined) out.set(pid, s);
  }
  return out;
}

/** CPU readings of several windows, combined into one (weighted by each window's length). */
export class CpuAccumulator {
  private weighted = new Map<string, number>();
  private seconds = 0;
  private others: string[] = [];

  add(reading: CpuReading, seconds: number): void {
    for (const [k, v] of Object.entries(reading.use)) this.weighted.set(k, (this.weighted.get(k) ?? 0) + v * seconds);
    this.seconds += seconds;
    if (reading.topOthers.length) this.others = reading.topOthers;
  }

  result(): CpuReading {
    const use: CpuUse = {};
    for (const [k, v] of this.weighted) use[k] = Math.round((v / (this.seconds || 1)) * 10) / 10;
    return { use, topOthers: this.others };
  }
}
