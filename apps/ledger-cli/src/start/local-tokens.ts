import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerConfig } from '@ledger/config';
import { TokenStore } from '@ledger/ledger-store';

/** The tokens a single-machine ledger prints at start, so a newcomer can use the API and the dashboard. */
export interface LocalTokens {
  admin: string;
  read: string;
  /** Where the admin token came from. */
  adminOrigin: 'LEDGER_BOOTSTRAP_TOKEN' | 'generated';
}

const FILE = 'local-tokens.json';

/**
 * On the first start, creates an admin and a read token and keeps their secrets in the data folder
 * (mode 600; the database holds only hashes) so every later start can print them again. With
 * LEDGER_BOOTSTRAP_TOKEN set, that value is the admin token.
 */
export async function ensureLocalTokens(config: LedgerConfig, store: TokenStore): Promise<LocalTokens> {
  const path = join(config.LEDGER_DATA_DIR, FILE);
  const saved = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Partial<Record<'admin' | 'read', string>>;
  const live = async (token?: string) => (token ? (await store.verify(token)) !== null : false);
  let admin = config.LEDGER_BOOTSTRAP_TOKEN;
  if (!admin) admin = (await live(saved.admin)) ? saved.admin! : (await store.create({ name: 'local-admin', publisher: 'local', scopes: ['admin'] })).token;
  const read = (await live(saved.read)) ? saved.read! : (await store.create({ name: 'local-dashboard', scopes: ['read'] })).token;
  await writeFile(path, JSON.stringify({ admin: config.LEDGER_BOOTSTRAP_TOKEN ? saved.admin : admin, read }, null, 2) + '\n', { mode: 0o600 });
  return { admin, read, adminOrigin: config.LEDGER_BOOTSTRAP_TOKEN ? 'LEDGER_BOOTSTRAP_TOKEN' : 'generated' };
}
