import { Command, CommandRunner, Option } from 'nest-commander';
import { LedgerConfig } from '@ledger/config';
import { readRuntime } from '@ledger/ops';
import { CliOutput } from '../cli-output';
import { Progress } from '../progress';
import { readNdjson } from '../start/samples';

interface ImportOptions {
  url?: string;
  token?: string;
  batch: number;
}

/**
 * `ledger import FILE`: publishes an NDJSON file (one envelope per line, no source.publisher)
 * through the ingest API, so it passes exactly the validation HTTP publishers get. Batches are
 * all-or-nothing; a refused batch stops the import and names the bad lines. Re-running is safe:
 * events with an eventId come back as duplicates.
 */
@Command({ name: 'import', arguments: '<file>', description: 'Publish an NDJSON file of events through the ingest API' })
export class ImportCommand extends CommandRunner {
  constructor(
    private readonly config: LedgerConfig,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run([file]: string[], options: ImportOptions): Promise<void> {
    const events = readNdjson(file);
    const target = await this.target(options);
    const progress = new Progress('import', events.length);
    const counts = { accepted: 0, duplicate: 0 };
    try {
      for (let i = 0; i < events.length; i += options.batch) {
        const slice = events.slice(i, i + options.batch);
        const res = await fetch(`${target.url}/v1/events/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
          body: JSON.stringify({ events: slice }),
        });
        const body = (await res.json().catch(() => ({}))) as { results?: { status: string }[]; detail?: string; errors?: { field: string; message: string }[] };
        if (!res.ok) {
          const lines = (body.errors ?? []).map((e) => `  line ${i + 1 + Number(e.field.split('.')[1] ?? 0)}: ${e.field.split('.').slice(2).join('.')} ${e.message}`);
          return this.out.fail(
            `${file}: events ${i + 1}–${i + slice.length} refused (${res.status}): ${body.detail ?? ''}\n${lines.join('\n')}\n${counts.accepted} accepted before it`,
          );
        }
        for (const r of body.results ?? []) counts[r.status as keyof typeof counts]++;
        progress.advance(slice.length);
      }
      progress.done(true);
    } finally {
      progress.done();
    }
    this.out.result({ file, ...counts }, `${file}: ${counts.accepted} accepted, ${counts.duplicate} already there`);
  }

  /**
   * The ingest API and token: flags, else LEDGER_URL / LEDGER_TOKEN (the URL also from the running
   * `ledger start`). The token is never picked for you: publishing is done under a name you chose.
   */
  private async target(options: ImportOptions): Promise<{ url: string; token: string }> {
    const running = await readRuntime(this.config.LEDGER_DATA_DIR);
    const url = options.url ?? process.env.LEDGER_URL ?? running?.httpUrl ?? 'http://127.0.0.1:3001';
    const token = options.token ?? process.env.LEDGER_TOKEN;
    if (!token) {
      throw new Error('no token: pass --token or set LEDGER_TOKEN to a token with the publish scope (npm start prints an admin token; `ledger tokens create` makes one)');
    }
    return { url: url.replace(/\/$/, ''), token };
  }

  @Option({ flags: '-u, --url <url>', description: 'ingest API base URL (default: the running ledger, else http://127.0.0.1:3001)' })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '-t, --token <token>', description: 'token with the publish scope (default: LEDGER_TOKEN)' })
  parseToken(value: string): string {
    return value;
  }

  @Option({ flags: '-b, --batch <size>', description: 'events per request, 1–1000', defaultValue: 500 })
  parseBatch(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('--batch must be 1–1000');
    return n;
  }
}
