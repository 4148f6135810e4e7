import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// What /proc tells of processes and of the machine: CPU seconds used so far, and who is who.

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

/** CPU seconds of every process on the machine, by pid, with its command name. */
export function everyProcess(): Map<number, { comm: string; cpu: number }> {
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
