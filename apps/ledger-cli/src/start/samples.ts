import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Pool } from 'pg';
import { TokenStore } from '@ledger/ledger-store';

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
 * Publishes the sample files through the ingest API of the ledger just started (the same validation
 * and acknowledgement as any publisher), on the first start only (remembered in ledger.meta), with a
 * token of their own that is revoked afterwards. Returns how many events were published now.
 */
export async function loadSamplesOnce(url: string, pool: Pool): Promise<number> {
  const done = await pool.query(`SELECT 1 FROM ledger.meta WHERE key = 'samples_loaded'`);
  const dir = samplesDir();
  if (done.rowCount || !dir) return 0;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort();
  const tokens = new TokenStore(pool);
  const { token, info } = await tokens.create({ name: 'seed-sample', publisher: SAMPLE_PUBLISHER, scopes: ['publish'], ratePerSec: 1_000 });
  let count = 0;
  try {
    for (const file of files) {
      const events = readNdjson(join(dir, file));
      for (let i = 0; i < events.length; i += 500) await publishBatch(url, token, events.slice(i, i + 500), file);
      count += events.length;
    }
  } finally {
    await tokens.revoke(info.id);
  }
  await pool.query(`INSERT INTO ledger.meta (key, value) VALUES ('samples_loaded', $1) ON CONFLICT (key) DO NOTHING`, [JSON.stringify({ files, count })]);
  return count;
}

async function publishBatch(url: string, token: string, events: unknown[], file: string): Promise<void> {
  const res = await fetch(`${url}/v1/events/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ events }),
  });
  if (!res.ok) throw new Error(`sample ${file} refused by the ingest API (${res.status}): ${await res.text()}`);
}
