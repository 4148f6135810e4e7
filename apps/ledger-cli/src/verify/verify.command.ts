import { existsSync } from 'node:fs';
import { Command, CommandRunner } from 'nest-commander';
import { DEFAULT_TOPICS } from '@ledger/contracts';
import { LedgerConfig } from '@ledger/config';
import { loadSigningKey, signingKeyFile, recordVerification, VerifyReport, verifyLedger } from '@ledger/audit';
import { CliDatabase } from '../cli-database';
import { CliLedger } from '../cli-ledger';
import { CliOutput } from '../cli-output';
import { Progress } from '../progress';

/**
 * `ledger verify`: re-reads the log from the beginning, recomputes every partition's hash chain
 * and compares it with the journal and the signed checkpoints, and compares the read models with
 * a fresh fold. Prints the first mismatch precisely and exits 1 if there is any.
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

  async run(): Promise<void> {
    const pool = await this.db.pool('read');
    const keyFile = signingKeyFile(this.config);
    const key = existsSync(keyFile) ? await loadSigningKey(keyFile) : undefined;
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
    for (const bar of bars.values()) bar.done();
    await recordVerification(pool, report);
    this.out.result(report, summary(report));
    if (!report.ok) process.exitCode = 1;
  }
}

function summary(r: VerifyReport): string {
  const records = r.partitions.reduce((n, p) => n + p.records, 0);
  const lines = [
    `${r.ok ? 'OK' : 'MISMATCH'}: ${records} records in ${r.partitions.length} partition(s) of ${r.topic}`,
    `  checkpoints  ${r.checkpoints.valid}/${r.checkpoints.checked} valid${r.checkpoints.note ? ` (${r.checkpoints.note})` : ''}`,
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
  return lines.join('\n');
}
