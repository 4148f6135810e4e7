import { Injectable } from '@nestjs/common';

/** Human output by default, JSON with --json (LEDGER_CLI_JSON=1) for scripts. Errors go to stderr with exit 1. */
@Injectable()
export class CliOutput {
  readonly json = process.env.LEDGER_CLI_JSON === '1';

  result(data: unknown, human: string): void {
    process.stdout.write(this.json ? JSON.stringify(data) + '\n' : human + '\n');
  }

  table(rows: Record<string, unknown>[]): void {
    if (this.json) return void process.stdout.write(JSON.stringify(rows) + '\n');
    if (!rows.length) return void process.stdout.write('(none)\n');
    const keys = Object.keys(rows[0]);
    const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(width[i]))
        .join('  ')
        .trimEnd();
    process.stdout.write([line(keys), ...rows.map((r) => line(keys.map((k) => String(r[k]))))].join('\n') + '\n');
  }

  info(message: string): void {
    if (!this.json) process.stderr.write(message + '\n');
  }

  fail(message: string): void {
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  }
}
