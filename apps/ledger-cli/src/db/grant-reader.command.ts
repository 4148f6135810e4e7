import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { AUDITOR_ROLE, grantLedgerRole, READER_ROLE, RoleKind } from '@ledger/audit';
import { CliDatabase } from '../cli-database';
import { CliOutput } from '../cli-output';

interface GrantOptions {
  role?: string;
  passwordStdin?: boolean;
}

/** What each kind of role may do, as the command prints it. */
const RIGHTS: Record<RoleKind, string> = {
  reader: 'read the read models (live and every frozen copy) and nothing else: not the journal, not the tokens, no temporary tables',
  auditor: 'read the read models, the journal, rejections, checkpoints and the embedded log, and record `ledger verify` results; not the tokens',
};

/** Creates or updates a login role; the password comes from standard input or the environment, never from argv. */
abstract class GrantRoleCommand extends CommandRunner {
  protected abstract readonly kind: RoleKind;
  protected abstract readonly defaultRole: string;
  protected abstract readonly passwordEnv: string;

  constructor(
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: GrantOptions): Promise<void> {
    const role = options.role ?? this.defaultRole;
    const password = options.passwordStdin ? await readPassword() : process.env[this.passwordEnv] || undefined;
    await grantLedgerRole(await this.db.pool('write'), role, this.kind, password);
    this.out.result(
      { role, kind: this.kind, passwordSet: password !== undefined },
      `role ${role} may ${RIGHTS[this.kind]}${password === undefined ? `\n(no password set: pipe one to --password-stdin or set ${this.passwordEnv})` : ''}`,
    );
  }

  @Option({ flags: '--role <name>', description: 'role name (default ledger_reader / ledger_auditor)' })
  parseRole(value: string): string {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new Error('--role must be a lower-case SQL identifier');
    return value;
  }

  @Option({ flags: '--password-stdin', description: 'read the login password from standard input (else from the environment variable)' })
  parsePasswordStdin(): boolean {
    return true;
  }
}

@SubCommand({ name: 'grant-reader', description: `Create or update the read-only role for dashboards (password: --password-stdin or LEDGER_READER_PASSWORD)` })
export class GrantReaderCommand extends GrantRoleCommand {
  protected readonly kind = 'reader';
  protected readonly defaultRole = READER_ROLE;
  protected readonly passwordEnv = 'LEDGER_READER_PASSWORD';

  constructor(db: CliDatabase, out: CliOutput) {
    super(db, out);
  }
}

@SubCommand({
  name: 'grant-auditor',
  description: `Create or update the role for the query API, export and verify (password: --password-stdin or LEDGER_AUDITOR_PASSWORD)`,
})
export class GrantAuditorCommand extends GrantRoleCommand {
  protected readonly kind = 'auditor';
  protected readonly defaultRole = AUDITOR_ROLE;
  protected readonly passwordEnv = 'LEDGER_AUDITOR_PASSWORD';

  constructor(db: CliDatabase, out: CliOutput) {
    super(db, out);
  }
}

/** The first line of standard input, without its line ending. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new Error('--password-stdin: standard input held no password');
  return password;
}

@Command({ name: 'db', description: 'Database administration', subCommands: [GrantReaderCommand, GrantAuditorCommand] })
export class DbCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
