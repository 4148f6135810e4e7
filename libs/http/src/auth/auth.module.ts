import { Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { LedgerConfig } from '@ledger/config';
import { AuthGuard } from './auth.guard';
import { TokenStore } from '@ledger/ledger-store';

/** Creates the bootstrap admin token (LEDGER_BOOTSTRAP_TOKEN) on start, as Vault's dev mode does. */
class BootstrapToken implements OnApplicationBootstrap {
  constructor(
    private readonly store: TokenStore,
    private readonly config: LedgerConfig,
    private readonly pool: Pool,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.LEDGER_BOOTSTRAP_TOKEN;
    if (!secret) return;
    // A streaming replica (the query API on DATABASE_READ_URL) is read-only: the token is created
    // on the primary by the apps that write, and arrives with the replication stream.
    if ((await this.pool.query<{ replica: boolean }>('SELECT pg_is_in_recovery() AS replica')).rows[0].replica) return;
    const { info } = await this.store.create({ name: 'bootstrap', publisher: 'bootstrap', scopes: ['admin'], secret, ratePerSec: 100_000 });
    if (info.revokedAt) new Logger('auth').warn('LEDGER_BOOTSTRAP_TOKEN names a revoked token; it stays revoked');
  }
}

/** Bearer tokens with scopes on every route (APP_GUARD), the token store, the bootstrap token. */
@Global()
@Module({
  providers: [
    { provide: TokenStore, useFactory: (pool: Pool) => new TokenStore(pool), inject: [PG_POOL] },
    { provide: APP_GUARD, useClass: AuthGuard },
    {
      provide: BootstrapToken,
      useFactory: (store: TokenStore, config: LedgerConfig, pool: Pool) => new BootstrapToken(store, config, pool),
      inject: [TokenStore, LedgerConfig, PG_POOL],
    },
  ],
  exports: [TokenStore],
})
export class AuthModule {}
