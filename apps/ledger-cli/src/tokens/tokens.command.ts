import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { Scope, TokenStore } from '@ledger/ledger-store';
import { CliDatabase } from '../cli-database';
import { CliOutput } from '../cli-output';

interface CreateOptions {
  name: string;
  scopes: Scope[];
  publisher?: string;
  rate?: number;
}

@SubCommand({ name: 'create', description: 'Create a token; the secret is printed once and never stored' })
export class CreateTokenCommand extends CommandRunner {
  constructor(
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: CreateOptions): Promise<void> {
    const { token, info } = await new TokenStore(await this.db.pool()).create({
      name: options.name,
      scopes: options.scopes,
      publisher: options.publisher,
      ratePerSec: options.rate,
    });
    this.out.result(
      { token, ...info },
      `${token}\n\nid ${info.id} · scopes ${info.scopes.join(',')} · publisher ${info.publisher} · ${info.ratePerSec} req/s\nKeep the token now: only its hash is stored.`,
    );
  }

  @Option({ flags: '-n, --name <name>', description: 'who or what uses the token', required: true })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '-s, --scopes <scopes>', description: 'comma-separated: publish, read, audit, admin', required: true })
  parseScopes(value: string): Scope[] {
    return value.split(',').map((s) => s.trim()) as Scope[];
  }

  @Option({ flags: '-p, --publisher <id>', description: 'publisher id stamped on published events (default: the name)' })
  parsePublisher(value: string): string {
    return value;
  }

  @Option({ flags: '-r, --rate <perSecond>', description: 'requests per second allowed (default 2000)' })
  parseRate(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error('--rate must be a positive integer');
    return n;
  }
}

@SubCommand({ name: 'list', description: 'List tokens (never their secrets)' })
export class ListTokensCommand extends CommandRunner {
  constructor(
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(): Promise<void> {
    const tokens = await new TokenStore(await this.db.pool()).list();
    // --json: the same token objects `tokens create --json` answers (without the secret).
    if (this.out.json) return this.out.result(tokens, '');
    this.out.table(
      tokens.map((t) => ({ id: t.id, name: t.name, publisher: t.publisher, scopes: t.scopes.join(','), rate: t.ratePerSec, created: t.createdAt, revoked: t.revokedAt ?? '' })),
    );
  }
}

@SubCommand({ name: 'revoke', arguments: '<id>', description: 'Revoke a token by id (takes effect within 2 s on running servers)' })
export class RevokeTokenCommand extends CommandRunner {
  constructor(
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    const revoked = await new TokenStore(await this.db.pool()).revoke(id);
    if (!revoked) return this.out.fail(`no live token with id ${id}`);
    this.out.result({ id, revoked: true }, `revoked ${id}`);
  }
}

@Command({ name: 'tokens', description: 'Manage API tokens', subCommands: [CreateTokenCommand, ListTokensCommand, RevokeTokenCommand] })
export class TokensCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
