import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { LedgerConfig } from '@ledger/config';
import { openDatabase } from '@ledger/ops';

/**
 * The database a command works on, opened only when a command needs it: DATABASE_URL, or the
 * embedded PostgreSQL of LEDGER_DATA_DIR (see resolveDatabase). Migrations run first, so a
 * command on a fresh database works.
 */
@Injectable()
export class CliDatabase implements OnModuleDestroy {
  private opened?: Promise<{ pool: Pool; close(): Promise<void> }>;

  constructor(private readonly config: LedgerConfig) {}

  async pool(): Promise<Pool> {
    this.opened ??= this.open();
    return (await this.opened).pool;
  }

  async onModuleDestroy(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened).close();
  }

  private async open(): Promise<{ pool: Pool; close(): Promise<void> }> {
    const db = await openDatabase(this.config, 4);
    await migrate(db.pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(db.pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
    return db;
  }
}
