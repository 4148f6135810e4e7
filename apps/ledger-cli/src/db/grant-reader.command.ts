import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { grantReaderRole, READER_ROLE } from '@ledger/audit';
import { CliDatabase } from '../cli-database';
import { CliOutput } from '../cli-output';

interface GrantOptions {
  role: string;
  password?: string;
}

@SubCommand({ name: 'grant-reader', description: 'Create or update the read-only role for the query API and dashboards' })
export class GrantReaderCommand extends CommandRunner {
  constructor(
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: GrantOptions): Promise<void> {
    await grantReaderRole(await this.db.pool(), options.role, options.password ?? process.env.LEDGER_READER_PASSWORD);
    this.out.result(
      { role: options.role },
      `role ${options.role} can read schemas ledger and read_model and nothing else;\n` + `run the query API with DATABASE_URL for that role and LEDGER_MIGRATE=false`,
    );
  }

  @Option({ flags: '--role <name>', description: `role name (default ${READER_ROLE})`, defaultValue: READER_ROLE })
  parseRole(value: string): string {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new Error('--role must be a lower-case SQL identifier');
    return value;
  }

  @Option({ flags: '--password <password>', description: 'its login password (or LEDGER_READER_PASSWORD)' })
  parsePassword(value: string): string {
    return value;
  }
}

@Command({ name: 'db', description: 'Database administration', subCommands: [GrantReaderCommand] })
export class DbCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
