import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a running `ledger start` tells other commands (tokens, import) on the same machine. */
export interface LocalRuntime {
  pid: number;
  databaseUrl: string;
  httpUrl: string;
  startedAt: string;
}

const FILE = 'runtime.json';

export async function writeRuntime(dataDir: string, runtime: LocalRuntime): Promise<void> {
  await writeFile(join(dataDir, FILE), JSON.stringify(runtime, null, 2) + '\n', { mode: 0o600 });
}

export async function removeRuntime(dataDir: string): Promise<void> {
  await rm(join(dataDir, FILE), { force: true });
}

/** The runtime of a live `ledger start` on this data folder, or undefined (none, or it died). */
export async function readRuntime(dataDir: string): Promise<LocalRuntime | undefined> {
  const text = await readFile(join(dataDir, FILE), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    const runtime = JSON.parse(text) as LocalRuntime;
    process.kill(runtime.pid, 0);
    return runtime;
  } catch {
    return undefined;
  }
}
