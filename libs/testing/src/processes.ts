import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts a built entry point (`apps/ledger-cli/src/main.js` …) as a real process. */
export function startProcess(entry: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}

/** Runs a built command to completion and answers its exit code and output. */
export async function runCommand(entry: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | string; output: string }> {
  const p = startProcess(entry, args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}

/** Runs an external program (kcat, pg_basebackup…) to completion, feeding it `stdin`; resolves with its output, rejects naming its exit code. */
export function runTool(command: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // No input: stdin is /dev/null. Writing an empty input to a tool that had already exited (kcat -l
    // reading a file) failed a test with EPIPE although the tool exited 0.
    const child = spawn(command, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited ${code}: ${output}`))));
    if (stdin !== undefined) {
      // A tool that stops reading closes the pipe: its exit code, not the broken pipe, says what happened.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(stdin);
    }
  });
}
