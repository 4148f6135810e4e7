import { ChildProcess, fork } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerHandle, ServerReply, ServerRequest, WindowStats } from '../types';

/** dist/bench, which bench server scripts are named relative to (this file is dist/bench/harness/run/server-process.js). */
const BENCH_DIST = join(__dirname, '..', '..');

export interface ServerSpec {
  /** Script path relative to dist/bench (`server/main.js`). */
  script: string;
  /** Passed as argv[2], JSON. */
  arg: unknown;
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
}

/** Forks a bench server, waits for its `ready`, and talks to it over the IPC channel. */
export async function startServer(spec: ServerSpec): Promise<ServerHandle> {
  const log = openSync(spec.logFile, 'a');
  const child = fork(join(BENCH_DIST, spec.script), [JSON.stringify(spec.arg)], {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const ready = await waitFor(child, (m) => m.kind === 'ready', spec.startTimeoutMs ?? 60_000, `start (log: ${spec.logFile})`);
  if (ready.kind !== 'ready') throw new Error('unreachable');
  const ask = async (request: ServerRequest, timeoutMs = 30_000): Promise<WindowStats | undefined> => {
    const answer = waitFor(child, (m) => m.kind === 'stopped' || (m.kind === 'done' && m.request === request.kind), timeoutMs, request.kind);
    child.send(request);
    const reply = await answer;
    return reply.kind === 'done' ? reply.stats : undefined;
  };
  let batches = 0;
  child.on('message', (m: ServerReply) => {
    if (m.kind === 'batch') batches++;
  });
  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    pid: ready.pid,
    logFile: spec.logFile,
    windowStart: async (profile) => void (await ask({ kind: 'window-start', profile })),
    windowEnd: async (profileFile) => (await ask({ kind: 'window-end', profileFile }, 60_000))!,
    batchesApplied: () => batches,
    stop: () => (stopped ??= stop(child, ask)),
  };
}

async function stop(child: ChildProcess, ask: (r: ServerRequest, t?: number) => Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  try {
    await ask({ kind: 'stop' }, 15_000);
  } catch {
    child.kill('SIGKILL');
  }
  await exited;
}

function waitFor(child: ChildProcess, match: (m: ServerReply) => boolean, timeoutMs: number, what: string): Promise<ServerReply> {
  return new Promise((ok, fail) => {
    const done = (error?: Error, value?: ServerReply) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) fail(error);
      else ok(value!);
    };
    const onMessage = (m: ServerReply) => {
      if (m.kind === 'failed') done(new Error(`bench server (${what}): ${m.error}`));
      else if (match(m)) done(undefined, m);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`bench server exited (${code ?? signal}) during ${what}`));
    const timer = setTimeout(() => done(new Error(`bench server: no answer to ${what} within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
