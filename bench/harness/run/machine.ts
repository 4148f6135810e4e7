import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@ledger/testing';
import { pidListeningOn } from '../measure/proc';

export { REPO_ROOT };

/** What a result depends on besides the code: written beside every result in docs/benchmarks.md. */
export interface MachineDetails {
  date: string;
  commit: string;
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  java: string;
  kafka: string;
  /** 1, 5 and 15 minute load averages when the run started: above ~2 the machine was busy with other work. */
  loadAverage: string;
}

export function machineDetails(brokers: string[] | undefined): MachineDetails {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const os = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(safeRead('/etc/os-release'))?.[1] ?? 'Linux';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(),
    cpu: model,
    cores: cpus().length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `${os}, kernel ${safeRead('/proc/sys/kernel/osrelease').trim()}`,
    node: process.version,
    java: run('java', ['-version'], true).split('\n')[0] || 'not found',
    kafka: kafkaVersion(brokers),
    loadAverage: safeRead('/proc/loadavg').split(' ').slice(0, 3).join(' '),
  };
}

function gitCommit(): string {
  const head = run('git', ['rev-parse', '--short=12', 'HEAD']).trim() || 'unknown';
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']).trim() !== '';
  return dirty ? `${head} (+ uncommitted changes)` : head;
}

/** The broker's version, read from the kafka jar its JVM has open; the pinned version as a fallback. */
function kafkaVersion(brokers: string[] | undefined): string {
  const pinned = /<kafka\.version>([^<]+)</.exec(safeRead(resolve(REPO_ROOT, 'deploy/local/pom.xml')))?.[1] ?? '?';
  const local = brokers?.map((b) => /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(b)?.[1]).find(Boolean);
  const pid = local ? pidListeningOn(Number(local)) : undefined;
  const jar = pid
    ? openFiles(pid)
        .map((f) => /\/kafka_[\d.]+-([\w.-]+)\.jar$/.exec(f)?.[1])
        .find(Boolean)
    : undefined;
  return jar ? `${jar} (broker), tools ${pinned}` : `${pinned} (deploy/local/pom.xml; broker not inspected)`;
}

function openFiles(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

/** A command's stdout (or stderr, where the tool prints there: `java -version`); '' when it fails. */
function run(command: string, args: string[], stderr = false): string {
  const done = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  if (done.status !== 0) return '';
  return (stderr ? done.stderr : done.stdout) ?? '';
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
