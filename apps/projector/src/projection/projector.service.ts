import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { EventLog, Subscription } from '@ledger/log';
import { PG_POOL } from '@ledger/postgres';
import { storedOffsets } from '@ledger/ledger-store';
import { Clock, CLOCK, LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { LedgerMetrics, NotReadyError, Readiness } from '@ledger/ops';
import { BatchApplier } from './batch-applier';
import { CheckpointSigner } from './checkpoint-signer';
import { ProjectorMonitor } from './projector-monitor';

/**
 * Runs the projector's consumer: subscribes on start, seeks every assigned partition to the offset
 * stored in Postgres, and stops cleanly (the batch in flight finishes) on shutdown. Its metrics and
 * its readiness check (stopped, or lagging without progress) come from ProjectorMonitor.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private subscription?: Subscription;
  private starting?: Promise<void>;
  private stopping = false;
  private fatal?: Error;
  private readonly fatalListeners: ((error: Error) => void)[] = [];
  private readonly monitor: ProjectorMonitor;
  private unregisterCheck?: () => void;

  constructor(
    private readonly log: EventLog,
    private readonly applier: BatchApplier,
    private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
    metrics: LedgerMetrics,
    private readonly readiness: Readiness,
    @Inject(CLOCK) clock: Clock,
    private readonly checkpoints: CheckpointSigner,
  ) {
    const source = { bounds: () => log.bounds(topics.events), storedOffsets: () => this.storedOffsets() };
    this.monitor = new ProjectorMonitor(source, metrics, clock);
    applier.onApplied((batch) => this.monitor.applied(batch));
  }

  /** Set when the projector stopped for good (a stored offset behind the log start). */
  get fatalError(): Error | undefined {
    return this.fatal;
  }

  onFatal(listener: (error: Error) => void): void {
    this.fatalListeners.push(listener);
  }

  /**
   * Joins the consumer group in the background: the HTTP server (health, metrics) is up meanwhile,
   * and readiness says "joining" until it is done. A log that cannot be reached yet is retried.
   */
  async onApplicationBootstrap(): Promise<void> {
    this.unregisterCheck = this.readiness.register('projector', () => {
      if (!this.subscription && !this.fatal) throw new NotReadyError('joining the consumer group');
      this.monitor.check(this.fatal);
    });
    this.monitor.start();
    this.starting = this.join();
  }

  private async join(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const subscription = await this.subscribe();
        if (this.stopping) await subscription.stop();
        else this.subscription = subscription;
        return;
      } catch (e) {
        this.logger.warn(`cannot subscribe to ${this.topics.events} yet (${(e as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 10_000)));
      }
    }
  }

  private async rejoin(error: Error): Promise<void> {
    this.logger.warn(`the consumer stopped (${error.message}); joining the group again`);
    const lost = this.subscription;
    this.subscription = undefined;
    await lost?.stop().catch(() => undefined);
    if (!this.stopping) this.starting = this.join();
  }

  private subscribe(): Promise<Subscription> {
    return this.log.subscribe({
      topic: this.topics.events,
      groupId: this.config.LEDGER_PROJECTOR_GROUP,
      handle: (batch) => this.monitor.timeBatch(() => this.applier.handle(batch)),
      handleTogether: (batches) => this.monitor.timeBatch(() => this.applier.handleTogether(batches)),
      groupRecords: this.config.LEDGER_PROJECTOR_TRANSACTION_RECORDS,
      storedOffsets: (partitions) => this.storedOffsets(partitions),
      onRetry: (error, attempt) => this.logger.warn(`batch failed (attempt ${attempt + 1}), retrying: ${error.message}`),
      // A long broker outage outlasts kafkajs' own retries and stops the consumer: join the group
      // again (readiness says "joining" meanwhile) instead of leaving the process idle.
      onLost: (error) => void this.rejoin(error),
      onFatal: (error) => {
        this.fatal = error;
        this.logger.error(error.message);
        for (const listener of this.fatalListeners) listener(error);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    const running = this.subscription;
    await this.subscription?.stop();
    this.subscription = undefined;
    // The batch in flight has finished: sign the final chain heads.
    if (running) await this.checkpoints.sign();
    this.monitor.stop();
    this.unregisterCheck?.();
  }

  private storedOffsets(partitions?: number[]): Promise<Map<number, string>> {
    return storedOffsets(this.pool, { group: this.config.LEDGER_PROJECTOR_GROUP, topic: this.topics.events }, partitions);
  }
}
