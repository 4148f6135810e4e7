import { DynamicModule, Module } from '@nestjs/common';
import { LedgerConfig } from '@ledger/platform';
import { CliDatabase } from './cli-database';
import { CliOutput } from './cli-output';
import { ImportCommand } from './import/import.command';
import { StartCommand } from './start/start.command';
import { CreateTokenCommand, ListTokensCommand, RevokeTokenCommand, TokensCommand } from './tokens/tokens.command';

/** The `ledger` command line: tokens now; import, verify, replay, export and start as they land. */
@Module({})
export class CliModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: CliModule,
      providers: [
        { provide: LedgerConfig, useValue: config },
        CliDatabase,
        CliOutput,
        StartCommand,
        ImportCommand,
        TokensCommand,
        CreateTokenCommand,
        ListTokensCommand,
        RevokeTokenCommand,
      ],
    };
  }
}
