import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { prepareEnvelope } from '@ledger/contracts';
import { PublishEventsCommand } from '../../../ingest-api/src/events/publish/publish-events.command';

/** Publisher id of the sample data set. */
export const SAMPLE_PUBLISHER = 'seed-sample';

/** The folder with the sample NDJSON files, found from wherever the code runs (src or dist). */
export function samplesDir(from = __dirname): string | undefined {
  for (let d = from; d !== dirname(d); d = dirname(d)) {
    const candidate = join(d, 'data', 'samples');
    if (existsSync(candidate) && existsSync(join(d, 'package.json'))) return candidate;
  }
  return undefined;
}

/** Parses an NDJSON file: one event per non-empty line; a bad line is an error naming its number. */
export function readNdjson(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line && !line.startsWith('//'))
    .map(({ line, n }) => {
      try {
        return JSON.parse(line);
      } catch (e) {
        throw new Error(`${path}:${n}: not JSON (${(e as Error).message})`);
      }
    });
}

/**
 * Publishes the sample files through the same validation as HTTP, on the first start only
 * (remembered in ledger.meta). Returns how many events were published now.
 */
export async function loadSamplesOnce(app: INestApplication, pool: Pool): Promise<number> {
  const done = await pool.query(`SELECT 1 FROM ledger.meta WHERE key = 'samples_loaded'`);
  const dir = samplesDir();
  if (done.rowCount || !dir) return 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort();
  const bus = app.get(CommandBus);
  let count = 0;
  for (const file of files) {
    const events = readNdjson(join(dir, file)).map((body) => prepareEnvelope(body, SAMPLE_PUBLISHER));
    for (let i = 0; i < events.length; i += 500) await bus.execute(new PublishEventsCommand(events.slice(i, i + 500)));
    count += events.length;
  }
  await pool.query(`INSERT INTO ledger.meta (key, value) VALUES ('samples_loaded', $1) ON CONFLICT (key) DO NOTHING`, [JSON.stringify({ files, count })]);
  return count;
}
