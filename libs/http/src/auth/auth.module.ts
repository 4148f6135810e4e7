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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.LEDGER_BOOTSTRAP_TOKEN;
    if (!secret) return;
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
    { provide: BootstrapToken, useFactory: (store: TokenStore, config: LedgerConfig) => new BootstrapToken(store, config), inject: [TokenStore, LedgerConfig] },
  ],
  exports: [TokenStore],
})
export class AuthModule {}
