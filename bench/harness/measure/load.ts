import { Dispatcher, Pool } from 'undici';
import type { CpuUse, LatencySummary, Watched, WindowStats } from '../types';
import { cpuWindow } from './cpu';
import { Latencies } from './latency';

/** One load run against one endpoint: a warm-up, then a measured window. */
export interface LoadSpec {
  /** Origin of the server (`http://127.0.0.1:1234`). */
  origin: string;
  /** The path of every request, or a new one for each (queries over many parties). */
  path: string | (() => string);
  /** POST (default) or GET. */
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  /** A new body for every request (each one carries new event ids); none for GET. */
  body?: () => string;
  /** Keep-alive connections; in closed loop also the number of requests in flight. */
  connections: number;
  /** Open loop at this many requests per second; closed loop (as fast as answers come) when unset. */
  rate?: number;
  warmupSec: number;
  measureSec: number;
  /** Processes whose CPU is reported for the measured window. */
  watch: Watched;
  /** Called when the measured window starts and ends: what the server saw of itself. */
  onMeasure?: { start(): Promise<void>; end(): Promise<WindowStats> };
  /** Every answer's status and body (warm-up included); bodies are only kept when this is set. */
  onAnswer?(status: number, body: Buffer): void;
}

export interface LoadResult {
  connections: number;
  rate?: number;
  /** Length of the measured window, in seconds. */
  seconds: number;
  /** Answers received in the window, by HTTP status. */
  statuses: Record<number, number>;
  /** Requests that failed without an HTTP answer (connection errors, timeouts). */
  errors: number;
  /** Open loop only: requests not sent because too many were outstanding. */
  skipped: number;
  /** Answers with this status per second. */
  perSecond(status: number): number;
  latency: LatencySummary;
  cpu: CpuUse;
  /** The busiest processes outside the benchmark during the window (noise). */
  topOthers: string[];
  /** The server's own view of the window (event loop, GC), when it was asked. */
  server?: WindowStats;
}

/** Most requests an open-loop run keeps outstanding before it skips (and reports) the rest. */
const MAX_OUTSTANDING = 20_000;

/**
 * A small HTTP load generator on undici's dispatcher API (keep-alive, no pipelining, no response
 * streams: the body is counted and dropped), so that it costs the machine little next to the
 * server and the broker it measures. Closed loop: `connections` requests always in flight. Open
 * loop: requests start on a fixed schedule and latency counts from the scheduled start, so a
 * slow server cannot hide its queueing (no coordinated omission).
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.origin, { connections: spec.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  try {
    const phase = new Phase();
    const driver = spec.rate ? openLoop(pool, spec, phase) : closedLoop(pool, spec, phase);
    await sleep(spec.warmupSec * 1000);
    await spec.onMeasure?.start();
    const endCpu = cpuWindow(spec.watch, 'loader');
    phase.begin();
    await sleep(spec.measureSec * 1000);
    const seconds = phase.end();
    const cpu = endCpu();
    const server = await spec.onMeasure?.end();
    await driver.stop();
    return { ...result(spec, phase, seconds, cpu.use, cpu.topOthers, driver.skipped()), server };
  } finally {
    await pool.destroy();
  }
}

/** What the measured window saw; answers outside it are not counted. */
class Phase {
  measuring = false;
  statuses: Record<number, number> = {};
  errors = 0;
  readonly latencies = new Latencies();
  private startedAt = 0n;

  begin(): void {
    this.startedAt = process.hrtime.bigint();
    this.measuring = true;
  }

  end(): number {
    this.measuring = false;
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  record(status: number | undefined, sinceNs: bigint): void {
    if (!this.measuring) return;
    if (status === undefined) this.errors++;
    else this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    this.latencies.add(Number(process.hrtime.bigint() - sinceNs) / 1e6);
  }
}

interface Driver {
  stop(): Promise<void>;
  skipped(): number;
}

function closedLoop(pool: Pool, spec: LoadSpec, phase: Phase): Driver {
  let running = true;
  const worker = async () => {
    while (running) {
      const started = process.hrtime.bigint();
      phase.record(await send(pool, spec), started);
    }
  };
  const workers = Array.from({ length: spec.connections }, worker);
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
    skipped: () => 0,
  };
}

function openLoop(pool: Pool, spec: LoadSpec, phase: Phase): Driver {
  const intervalNs = BigInt(Math.round(1e9 / spec.rate!));
  const start = process.hrtime.bigint();
  let sent = 0n;
  let outstanding = 0;
  let skipped = 0;
  const inFlight = new Set<Promise<void>>();
  // Every millisecond, start every request whose scheduled time has come.
  const timer = setInterval(() => {
    const due = (process.hrtime.bigint() - start) / intervalNs + 1n;
    for (; sent < due; sent++) {
      const scheduled = start + sent * intervalNs;
      if (outstanding >= MAX_OUTSTANDING) {
        if (phase.measuring) skipped++;
        continue;
      }
      outstanding++;
      const p: Promise<void> = send(pool, spec).then((status) => {
        outstanding--;
        inFlight.delete(p);
        phase.record(status, scheduled);
      });
      inFlight.add(p);
    }
  }, 1);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
    skipped: () => skipped,
  };
}

/** One request; resolves to the HTTP status, or undefined when there was no answer. */
function send(pool: Pool, spec: LoadSpec): Promise<number | undefined> {
  return new Promise((resolve) => {
    let status: number | undefined;
    const chunks: Buffer[] | undefined = spec.onAnswer ? [] : undefined;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode) => void (status = statusCode),
      onResponseData: (_controller, chunk) => void chunks?.push(chunk),
      onResponseEnd: () => {
        if (chunks && status !== undefined) spec.onAnswer!(status, Buffer.concat(chunks));
        resolve(status);
      },
      onResponseError: () => resolve(undefined),
    };
    const path = typeof spec.path === 'string' ? spec.path : spec.path();
    pool.dispatch({ path, method: spec.method ?? 'POST', headers: spec.headers, body: spec.body?.(), headersTimeout: 30_000, bodyTimeout: 30_000 }, handler);
  });
}

function result(spec: LoadSpec, phase: Phase, seconds: number, cpu: CpuUse, topOthers: string[], skipped: number): LoadResult {
  return {
    connections: spec.connections,
    rate: spec.rate,
    seconds,
    statuses: phase.statuses,
    errors: phase.errors,
    skipped,
    perSecond: (status) => (phase.statuses[status] ?? 0) / seconds,
    latency: phase.latencies.summary(),
    cpu,
    topOthers,
  };
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
