import { existsSync } from 'node:fs';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DEFAULT_TOPICS } from '@ledger/contracts';
import { LedgerConfig } from '@ledger/config';
import { loadPublicKey, loadSigningKey, signingKeyFile, recordVerification, TrustedKey, VerifyReport, verifyLedger } from '@ledger/audit';
import { CliDatabase } from '../cli-database';
import { CliLedger } from '../cli-ledger';
import { CliOutput } from '../cli-output';
import { Progress } from '../progress';
import { exitCode } from './verify-export.command';

interface VerifyOptions {
  publicKey?: string;
  allowUnsigned?: boolean;
}

/**
 * `ledger verify`: re-reads the log from the beginning, recomputes every partition's hash chain
 * and compares it with the journal and the signed checkpoints, and compares the read models with
 * a fresh fold. Prints the first mismatch precisely and exits 1 if there is any; exits 2 when no
 * signature could be checked (no key, no checkpoint), unless --allow-unsigned.
 */
@Command({ name: 'verify', description: 'Check the journal against the log, the signed checkpoints and a fresh fold' })
export class VerifyCommand extends CommandRunner {
  constructor(
    private readonly config: LedgerConfig,
    private readonly db: CliDatabase,
    private readonly ledger: CliLedger,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: VerifyOptions): Promise<void> {
    const key = await this.trustedKey(options);
    const pool = await this.db.pool('read');
    const bars = new Map<string, Progress>();
    const report = await verifyLedger({
      pool,
      log: await this.ledger.log(),
      topic: DEFAULT_TOPICS.events,
      group: this.config.LEDGER_PROJECTOR_GROUP,
      publicKeyPem: key?.publicKeyPem,
      keyId: key?.keyId,
      onProgress: (phase, done, total) => {
        if (!bars.has(phase)) bars.set(phase, new Progress(phase === 'log' ? 'log & journal' : 'fresh fold ', total));
        bars.get(phase)!.set(done);
      },
    });
    for (const bar of bars.values()) bar.done(true);
    await recordVerification(pool, report);
    this.out.result(report, summary(report, !!options.allowUnsigned));
    process.exitCode = exitCode({ ok: report.ok, signed: !report.checkpoints.unsigned }, !!options.allowUnsigned);
  }

  /** The given public key; else the public half of this machine's signing key, when it has one. */
  private async trustedKey(options: VerifyOptions): Promise<TrustedKey | undefined> {
    if (options.publicKey) return loadPublicKey(options.publicKey);
    const keyFile = signingKeyFile(this.config);
    return existsSync(keyFile) ? await loadSigningKey(keyFile) : undefined;
  }

  @Option({ flags: '--public-key <file>', description: 'check the checkpoint signatures with this Ed25519 public key (PEM) only' })
  parsePublicKey(value: string): string {
    return value;
  }

  @Option({ flags: '--allow-unsigned', description: 'exit 0 even when no signature could be checked' })
  parseAllowUnsigned(): boolean {
    return true;
  }
}

function summary(r: VerifyReport, allowUnsigned: boolean): string {
  const records = r.partitions.reduce((n, p) => n + p.records, 0);
  const verdict = !r.ok ? 'MISMATCH' : !r.checkpoints.unsigned ? 'OK' : allowUnsigned ? 'OK (UNSIGNED)' : 'NOT PROVEN';
  const lines = [
    `${verdict}: ${records} records in ${r.partitions.length} partition(s) of ${r.topic}`,
    `  checkpoints  ${r.checkpoints.valid}/${r.checkpoints.checked} valid${r.checkpoints.unsigned ? ` (${r.checkpoints.unsigned})` : ''}`,
    `  read models  ${r.readModels.tables} tables, ${r.readModels.events} events folded afresh, ${r.readModels.differing.length ? `differing: ${r.readModels.differing.join(', ')}` : 'identical'}`,
  ];
  if (r.mismatches.length) {
    const m = r.mismatches[0];
    const where = [
      m.partition !== undefined ? `partition ${m.partition}` : '',
      m.offset !== undefined ? `offset ${m.offset}` : '',
      m.eventId ? `event ${m.eventId}` : '',
      m.table ? `table ${m.table}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  first mismatch (${m.check}) at ${where || 'the checkpoints'}: ${m.detail}`);
    if (r.mismatches.length > 1) lines.push(`  and ${r.mismatches.length - 1} more (--json lists them all)`);
  }
  if (r.ok && r.checkpoints.unsigned && !allowUnsigned) lines.push('  exit 2: give --public-key FILE, or --allow-unsigned to accept an unsigned check');
  return lines.join('\n');
}
