import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux everywhere that matters). */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th field.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds a group of processes has used so far, including its children that have exited (the
 * `cutime`/`cstime` of each process whose parent is outside the group: PostgreSQL's postmaster
 * collects every backend it reaped). A counter that only grows, whatever joins or leaves the group.
 */
export function groupCpuSeconds(pids: number[]): number {
  const group = new Set(pids);
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]);
      // fields[1] is the parent; [13] and [14] the exited children's user and system time.
      if (!group.has(Number(fields[1]))) total += Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone meanwhile: its time is in its parent's children time from now on
    }
  }
  return total / TICKS;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / TICKS, total: (busy + idle + iowait) / TICKS };
}

/** Pids whose command name is `comm` (all PostgreSQL backends: `postgres`). */
export function pidsNamed(comm: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    });
}

/** The pid listening on a local TCP port, found through /proc/net/tcp{,6} and the processes' sockets. */
export function pidListeningOn(port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let rows: string[] = [];
    try {
      rows = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; column 9 is the socket inode.
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  if (!inodes.size) return undefined;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return Number(pid);
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return undefined;
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

/** CPU seconds of every process on the machine, by pid, with its command name. */
function everyProcess(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(d), { comm, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

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
  return used.sort((a, b) => b[1] - a[1]).slice(0, 3).filter(([, p]) => p >= 2).map(([n, p]) => `${n} ${p}`);
}

function snapshot(pids: number | number[] | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids === undefined ? [] : Array.isArray(pids) ? pids : [pids]) {
    const s = processCpuSeconds(pid);
    if (s !== undefined) out.set(pid, s);
  }
  return out;
}
