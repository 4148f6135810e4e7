import { Inject, Injectable, Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { PG_POOL } from '@ledger/postgres';
import { LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { loadSigningKey, signCheckpoint, SigningKey, signingKeyFile } from '@ledger/audit';
import { AppliedBatch, BatchApplier } from './batch-applier';

/**
 * Signs the chain heads every LEDGER_CHECKPOINT_EVERY journaled records and once more when the
 * projector stops. Signing runs after the batch committed, one at a time; a failure is logged and
 * retried at the next threshold, never blocking the projection.
 */
@Injectable()
export class CheckpointSigner {
  private readonly logger = new Logger('checkpoints');
  private key?: Promise<SigningKey>;
  private sinceLast = 0;
  private signing: Promise<void> = Promise.resolve();

  constructor(
    applier: BatchApplier,
    private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
  ) {
    applier.onApplied((batch) => this.counted(batch));
  }

  /** Signs now (on shutdown), after any signing under way. */
  async sign(): Promise<void> {
    this.sinceLast = 0;
    this.signing = this.signing.then(() => this.signNow());
    await this.signing;
  }

  private counted(batch: AppliedBatch): void {
    this.sinceLast += batch.applied.length + batch.duplicates + batch.rejected.length;
    if (this.sinceLast >= this.config.LEDGER_CHECKPOINT_EVERY) void this.sign();
  }

  private async signNow(): Promise<void> {
    try {
      this.key ??= loadSigningKey(signingKeyFile(this.config));
      const checkpoint = await signCheckpoint(this.pool, await this.key, this.config.LEDGER_PROJECTOR_GROUP, this.topics.events);
      if (checkpoint) this.logger.debug?.(`signed checkpoint ${checkpoint.id} over ${checkpoint.heads.length} partition(s)`);
    } catch (e) {
      this.logger.warn(`could not sign a checkpoint: ${(e as Error).message}`);
    }
  }
}
