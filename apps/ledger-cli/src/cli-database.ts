import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { migrate } from '@ledger/postgres';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from '@ledger/read-models';
import { LedgerConfig } from '@ledger/config';
import { openDatabase } from '@ledger/ops';

/**
 * The database a command works on, opened only when a command needs it: DATABASE_URL, or the
 * embedded PostgreSQL of LEDGER_DATA_DIR (see resolveDatabase). A command that writes asks for
 * `pool('write')`: migrations run first, so it works on a fresh database. A command that only reads
 * (export, verify) asks for `pool('read')` and migrates nothing, so it runs on the reader or auditor
 * role.
 */
@Injectable()
export class CliDatabase implements OnModuleDestroy {
  private opened?: Promise<{ pool: Pool; close(): Promise<void> }>;
  private migrated?: Promise<void>;

  constructor(private readonly config: LedgerConfig) {}

  async pool(mode: 'read' | 'write' = 'write'): Promise<Pool> {
    this.opened ??= openDatabase(this.config, 4);
    const { pool } = await this.opened;
    if (mode === 'write') {
      this.migrated ??= migrateAll(pool);
      await this.migrated;
    }
    return pool;
  }

  async onModuleDestroy(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    this.migrated = undefined;
    if (opened) await (await opened).close();
  }
}

async function migrateAll(pool: Pool): Promise<void> {
  await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
  await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
}
