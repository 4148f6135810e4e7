import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An flock on a file, held by a child process for as long as this run wants it (released by
 * `release`, or by the kernel when this process ends): two runs on one machine that would kill each
 * other's servers take turns, or the second is told who holds it.
 */
export class FileLock {
  private holder?: ChildProcess;

  constructor(private readonly file: string) {}

  /** Takes the lock at once, or fails with `busy` when another run holds it. */
  async acquire(busy: string): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    const holder = spawn('flock', ['-n', this.file, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise<void>((ok, fail) => {
      holder.stdout!.once('data', () => ok());
      holder.once('error', fail);
      holder.once('exit', () => fail(new Error(busy)));
    });
    this.holder = holder;
  }

  async release(): Promise<void> {
    const holder = this.holder;
    this.holder = undefined;
    if (!holder || holder.exitCode !== null) return;
    const gone = new Promise((r) => holder.once('exit', r));
    holder.stdin!.end();
    await gone;
  }
}
