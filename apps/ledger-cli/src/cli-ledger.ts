import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventLog, EmbeddedEventLog } from '@ledger/log';
import { LedgerConfig } from '@ledger/config';
import { createKafkaLog, produceBatching } from '@ledger/ops';
import { CliDatabase } from './cli-database';

/**
 * The event log a command reads: Kafka when KAFKA_BROKERS is set, else the embedded log in the
 * command's database. Opened on first use, closed when the command ends.
 */
@Injectable()
export class CliLedger implements OnModuleDestroy {
  private opened?: EventLog;

  constructor(
    private readonly config: LedgerConfig,
    private readonly db: CliDatabase,
  ) {}

  async log(): Promise<EventLog> {
    this.opened ??= this.config.KAFKA_BROKERS ? createKafkaLog(this.config) : new EmbeddedEventLog(await this.db.pool('read'), { batching: produceBatching(this.config) });
    return this.opened;
  }

  async onModuleDestroy(): Promise<void> {
    await this.opened?.close();
    this.opened = undefined;
  }
}
