import { readFile } from 'node:fs/promises';
import { Command, CommandRunner, Option } from 'nest-commander';
import { ExportReport, loadPublicKey, TrustedKey, verifyExport } from '@ledger/audit';
import { CliOutput } from '../cli-output';

interface VerifyExportOptions {
  publicKey?: string;
  allowUnsigned?: boolean;
}

/**
 * `ledger verify-export FILE --public-key ledger.pub`: checks an export offline — no database, no
 * Kafka — with only the ledger's public key. Exit 0: every event is proven up to a signed head;
 * 1: something does not hold (the first bad line is named); 2: nothing is wrong but a signature
 * could not be checked (no key given, or events newer than every checkpoint), unless --allow-unsigned.
 */
@Command({ name: 'verify-export', arguments: '<file>', description: 'Check an export offline with only the public key' })
export class VerifyExportCommand extends CommandRunner {
  constructor(private readonly out: CliOutput) {
    super();
  }

  async run([file]: string[], options: VerifyExportOptions): Promise<void> {
    const key: TrustedKey | undefined = options.publicKey ? await loadPublicKey(options.publicKey) : undefined;
    const text = await readFile(file, 'utf8').catch((e: Error) => {
      throw new Error(`cannot read ${file}: ${e.message}`);
    });
    const report = verifyExport(text, key);
    this.out.result(report, summary(file, report, !!options.allowUnsigned));
    process.exitCode = exitCode(report, !!options.allowUnsigned);
  }

  @Option({ flags: '--public-key <file>', description: "the ledger's Ed25519 public key (PEM), obtained out of band" })
  parsePublicKey(value: string): string {
    return value;
  }

  @Option({ flags: '--allow-unsigned', description: 'exit 0 even when no signature could be checked' })
  parseAllowUnsigned(): boolean {
    return true;
  }
}

export function exitCode(report: { ok: boolean; signed: boolean }, allowUnsigned: boolean): number {
  if (!report.ok) return 1;
  return report.signed || allowUnsigned ? 0 : 2;
}

function summary(file: string, r: ExportReport, allowUnsigned: boolean): string {
  const verdict = !r.ok ? 'MISMATCH' : r.signed ? 'OK' : allowUnsigned ? 'OK (UNSIGNED)' : 'NOT PROVEN';
  const lines = [
    `${verdict}: ${file}: ${r.events} event(s), ${r.links} link(s), ${r.lines} line(s)`,
    `  checkpoints  ${r.checkpoints.valid}/${r.checkpoints.checked} validly signed${r.keyId ? ` by key ${r.keyId}` : ' (no public key given)'}`,
  ];
  if (r.problems.length) {
    const p = r.problems[0];
    lines.push(`  first mismatch (${p.check}) at line ${p.line}${p.eventId ? `, event ${p.eventId}` : ''}: ${p.detail}`);
    if (r.problems.length > 1) lines.push(`  and ${r.problems.length - 1} more (--json lists them all)`);
  }
  for (const why of r.unsigned.slice(0, 3)) lines.push(`  not signed: ${why}`);
  if (!r.signed && r.ok && !allowUnsigned) lines.push('  exit 2: give --public-key FILE, or --allow-unsigned to accept an unsigned check');
  return lines.join('\n');
}
