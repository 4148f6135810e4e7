import { DynamicModule, Module } from '@nestjs/common';
import { LedgerConfig } from '@ledger/config';
import { CliDatabase } from './cli-database';
import { CliOutput } from './cli-output';
import { CliLedger } from './cli-ledger';
import { DbCommand, GrantAuditorCommand, GrantReaderCommand } from './db/grant-reader.command';
import { ExportCommand } from './export/export.command';
import { ImportCommand } from './import/import.command';
import { ReplayCommand } from './replay/replay.command';
import { VerifyCommand } from './verify/verify.command';
import { VerifyExportCommand } from './verify/verify-export.command';
import { PublicKeyCommand } from './verify/public-key.command';
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
        CliLedger,
        VerifyCommand,
        VerifyExportCommand,
        PublicKeyCommand,
        ReplayCommand,
        ExportCommand,
        DbCommand,
        GrantReaderCommand,
        GrantAuditorCommand,
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
