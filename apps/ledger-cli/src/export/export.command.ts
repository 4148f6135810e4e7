import { INSTANT_FORMS, parseInstant } from '@ledger/contracts';
import { Command, CommandRunner, Option } from 'nest-commander';
import { exportParty } from '@ledger/audit';
import { CliDatabase } from '../cli-database';

interface ExportOptions {
  party: string;
  proposal?: string;
  knownAt?: Date;
}

/** `ledger export --party X [--proposal P] [--known-at R]`: NDJSON on stdout, one object per line. */
@Command({ name: 'export', description: "NDJSON of a party's events and position history, with their hashes" })
export class ExportCommand extends CommandRunner {
  constructor(private readonly db: CliDatabase) {
    super();
  }

  async run(_args: string[], options: ExportOptions): Promise<void> {
    const pool = await this.db.pool('read');
    let lines = 0;
    for await (const line of exportParty(pool, { party: options.party, proposalId: options.proposal, knownAt: options.knownAt })) {
      if (!process.stdout.write(JSON.stringify(line) + '\n')) await new Promise((r) => process.stdout.once('drain', r));
      lines++;
    }
    process.stderr.write(`exported ${lines} line(s)\n`);
  }

  @Option({ flags: '--party <id>', description: 'the party (USA, RUS…)', required: true })
  parseParty(value: string): string {
    return value;
  }

  @Option({ flags: '--proposal <id>', description: 'only this proposal' })
  parseProposal(value: string): string {
    return value;
  }

  @Option({ flags: '--known-at <time>', description: `only what the ledger had recorded by then: ${INSTANT_FORMS}` })
  parseKnownAt(value: string): Date {
    return parseInstant('--known-at', value);
  }
}
