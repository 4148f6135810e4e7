import { existsSync } from 'node:fs';
import { Command, CommandRunner } from 'nest-commander';
import { LedgerConfig } from '@ledger/config';
import { publishedSigningKey } from '@ledger/ledger-store';
import { loadSigningKey, signingKeyFile } from '@ledger/audit';
import { CliDatabase } from '../cli-database';
import { CliOutput } from '../cli-output';

/**
 * `ledger public-key > ledger.pub`: the public half of the checkpoint signing key, for auditors.
 * From the key file when this machine has it, else as the projector announced it in the database.
 */
@Command({ name: 'public-key', description: 'Print the public key (PEM) that checks the signed checkpoints' })
export class PublicKeyCommand extends CommandRunner {
  constructor(
    private readonly config: LedgerConfig,
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(): Promise<void> {
    const file = signingKeyFile(this.config);
    const key = existsSync(file) ? await loadSigningKey(file) : undefined;
    const published = key ? { keyId: key.keyId, publicKey: key.publicKeyPem } : await publishedSigningKey(await this.db.pool());
    if (!published) return this.out.fail(`no signing key: ${file} does not exist and no projector has announced one yet`);
    this.out.result(published, published.publicKey.trimEnd());
    this.out.info(`key id ${published.keyId}`);
  }
}
