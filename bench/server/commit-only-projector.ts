import { Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { BatchResult, EventLog, LogBatch, Subscription } from '@ledger/log';
import { inTransaction, PG_POOL } from '@ledger/postgres';
import { LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { announceApplied, setOffset, storedOffsets } from '@ledger/ledger-store';

/**
 * The baseline of the produce-to-visible latency: the projector's path with none of its work. The
 * same consumer (EventLog.subscribe, stored offsets in Postgres, a fetch's batches together), and per group one transaction
 * that only stores the next offset and announces the batch's event ids (from the `ce_id` header) in
 * the live feed the query API's stream reads (and wakes it up). No decoding, no journal, no read models.
 */
@Injectable()
export class CommitOnlyProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;
  private readonly listeners: ((records: number) => void)[] = [];

  constructor(
    private readonly log: EventLog,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_TOPICS) private readonly topics: LedgerTopics,
    private readonly config: LedgerConfig,
  ) {}

  onBatch(listener: (records: number) => void): void {
    this.listeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    const group = this.config.LEDGER_PROJECTOR_GROUP;
    this.subscription = await this.log.subscribe({
      topic: this.topics.events,
      groupId: group,
      handle: async (batch) => (await this.commit(group, [batch]))[0],
      // As the projector: the batches of one fetch in one transaction.
      handleTogether: (batches) => this.commit(group, batches),
      storedOffsets: (partitions) => storedOffsets(this.pool, { group, topic: this.topics.events }, partitions),
      onFatal: (error) => {
        process.stderr.write(`commit-only projector: ${error.message}\n`);
        process.exit(2);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  private async commit(group: string, batches: LogBatch[]): Promise<BatchResult[]> {
    const nexts = batches.map((b) => (BigInt(b.messages[b.messages.length - 1].offset) + 1n).toString());
    await inTransaction(this.pool, async (client) => {
      for (const [i, batch] of batches.entries()) await setOffset(client, { group, topic: batch.topic }, batch.partition, nexts[i]);
      await announceApplied(
        client,
        batches.map((batch, i) => ({
          partition: batch.partition,
          nextOffset: nexts[i],
          events: batch.messages.map((m) => ({ eventId: m.headers.ce_id, type: m.headers.ce_type })),
          positions: [],
        })),
      );
    });
    for (const batch of batches) for (const listener of this.listeners) listener(batch.messages.length);
    return nexts.map((nextOffset) => ({ nextOffset }));
  }
}

@Module({ providers: [CommitOnlyProjector], exports: [CommitOnlyProjector] })
export class CommitOnlyProjectorModule {}
