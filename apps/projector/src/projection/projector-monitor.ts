import { Logger } from '@nestjs/common';
import { PartitionBounds } from '@ledger/log';
import { Clock } from '@ledger/config';
import { LedgerMetrics, NotReadyError } from '@ledger/ops';
import { AppliedBatch } from './batch-applier';

/** How often the lag is sampled from the log's high watermarks and the stored offsets. */
export const LAG_SAMPLE_MS = 5_000;
/** Lagging without progress for this long makes the projector not ready. */
export const STALL_AFTER_MS = 60_000;

/** Where the monitor reads positions from: the log's bounds and the projector's stored next offsets. */
export interface PositionSource {
  bounds(): Promise<PartitionBounds[]>;
  storedOffsets(): Promise<Map<number, string>>;
}

export interface ProjectorState {
  fatal?: Error;
  /** Total lag of the last successful sample; undefined before the first. */
  lag?: bigint;
  /** Last time a batch was applied here, the stored offsets moved (any instance) or the lag was 0. */
  lastProgressAt: number;
  now: number;
  stallAfterMs: number;
}

/** Why the projector is not ready, or undefined when it is. Pure: the rule GET /health/ready applies. */
export function projectorProblem(state: ProjectorState): string | undefined {
  if (state.fatal) return `stopped: ${state.fatal.message}`;
  const quiet = state.now - state.lastProgressAt;
  if (state.lag !== undefined && state.lag > 0n && quiet > state.stallAfterMs) {
    return `stalled: lag ${state.lag} and no batch applied for ${Math.round(quiet / 1000)} s`;
  }
  return undefined;
}

/**
 * The projector's metrics and liveliness: counts what each applied batch did, samples the lag per
 * partition every few seconds (ledger_projector_lag) and tells readiness whether it is stalled.
 */
export class ProjectorMonitor {
  private readonly logger = new Logger('projector');
  private lastProgressAt: number;
  private lag?: bigint;
  private storedTotal?: bigint;
  private partitions = new Set<number>();
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;

  constructor(
    private readonly source: PositionSource,
    private readonly metrics: LedgerMetrics,
    private readonly clock: Clock,
    private readonly options = { sampleEveryMs: LAG_SAMPLE_MS, stallAfterMs: STALL_AFTER_MS },
  ) {
    this.lastProgressAt = clock();
  }

  /** Times one batch; only committed batches are observed. */
  async timeBatch<T>(run: () => Promise<T>): Promise<T> {
    const end = this.metrics.batchSeconds.startTimer();
    const result = await run();
    end();
    return result;
  }

  applied(batch: AppliedBatch): void {
    const now = this.clock();
    this.lastProgressAt = now;
    this.metrics.eventsApplied.inc(batch.applied.length);
    this.metrics.eventsDuplicate.inc(batch.duplicates);
    for (const r of batch.rejected) this.metrics.deadLetters.inc({ reason: r.reason });
    for (const e of batch.applied) this.metrics.projectionLatency.observe(Math.max(0, now - Date.parse(e.recordedAt)) / 1000);
  }

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.options.sampleEveryMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const p of this.partitions) this.metrics.projectorLag.remove({ partition: String(p) });
    this.partitions.clear();
  }

  /** Throws NotReadyError when the projector stopped for good or is stalled. */
  check(fatal?: Error): void {
    const problem = projectorProblem({ fatal, lag: this.lag, lastProgressAt: this.lastProgressAt, now: this.clock(), stallAfterMs: this.options.stallAfterMs });
    if (problem) throw new NotReadyError(problem);
  }

  /** One sample; a sample still running is awaited instead of starting another. */
  sample(): Promise<void> {
    this.sampling ??= this.takeSample()
      .catch((e: unknown) => this.logger.debug(`lag sample failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async takeSample(): Promise<void> {
    const [bounds, stored] = await Promise.all([this.source.bounds(), this.source.storedOffsets()]);
    let lag = 0n;
    let storedTotal = 0n;
    for (const b of bounds) {
      const next = BigInt(stored.get(b.partition) ?? '0');
      const behind = BigInt(b.high) > next ? BigInt(b.high) - next : 0n;
      this.metrics.projectorLag.set({ partition: String(b.partition) }, Number(behind));
      this.partitions.add(b.partition);
      lag += behind;
      storedTotal += next;
    }
    if (lag === 0n || (this.storedTotal !== undefined && storedTotal !== this.storedTotal)) this.lastProgressAt = this.clock();
    this.lag = lag;
    this.storedTotal = storedTotal;
  }
}
