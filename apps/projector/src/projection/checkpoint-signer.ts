import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { PG_POOL } from '@ledger/postgres';
import { publishSigningKey } from '@ledger/ledger-store';
import { LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { loadSigningKey, signCheckpoint, SigningKey, signingKeyFile } from '@ledger/audit';
import { AppliedBatch, BatchApplier } from './batch-applier';

/**
 * Signs the chain heads every LEDGER_CHECKPOINT_EVERY journaled records, every
 * LEDGER_CHECKPOINT_INTERVAL_MS when anything was journaled since the last checkpoint (so a fresh or
 * quiet ledger is not left unsigned), and once more when the projector stops. Signing runs after
 * the batch committed, one at a time; a failure is logged and retried at the next occasion, never
 * blocking the projection. At start it announces the key's public half (ledger.meta), so the audit
 * API serves it from any host.
 */
@Injectable()
export class CheckpointSigner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('checkpoints');
  private key?: Promise<SigningKey>;
  private sinceLast = 0;
  private signing: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    applier: BatchApplier,
    private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
  ) {
    applier.onApplied((batch) => this.counted(batch));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => {
      if (this.sinceLast > 0) void this.sign();
    }, this.config.LEDGER_CHECKPOINT_INTERVAL_MS);
    this.timer.unref();
    try {
      const key = await this.signingKey();
      await publishSigningKey(this.pool, { keyId: key.keyId, publicKey: key.publicKeyPem });
    } catch (e) {
      this.logger.warn(`could not load or announce the signing key: ${(e as Error).message}`);
    }
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
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

  private signingKey(): Promise<SigningKey> {
    this.key ??= loadSigningKey(signingKeyFile(this.config));
    this.key.catch(() => (this.key = undefined)); // a key that could not be read is tried again next time
    return this.key;
  }

  private async signNow(): Promise<void> {
    try {
      const checkpoint = await signCheckpoint(this.pool, await this.signingKey(), this.config.LEDGER_PROJECTOR_GROUP, this.topics.events);
      if (checkpoint) this.logger.debug?.(`signed checkpoint ${checkpoint.id} over ${checkpoint.heads.length} partition(s)`);
    } catch (e) {
      this.logger.warn(`could not sign a checkpoint: ${(e as Error).message}`);
    }
  }
}
