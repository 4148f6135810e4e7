import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { LedgerError } from '@ledger/contracts';
import { Principal, Scope, SCOPES } from './scopes';

/** A token as listed: never the secret itself. */
export interface TokenInfo {
  id: string;
  name: string;
  publisher: string;
  scopes: Scope[];
  ratePerSec: number;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewToken {
  name: string;
  scopes: Scope[];
  /** Publisher id for the events this token publishes; defaults to the name. */
  publisher?: string;
  ratePerSec?: number;
  /** Use this secret instead of a random one (the bootstrap token). */
  secret?: string;
}

export const DEFAULT_RATE_PER_SEC = 2_000;
const PUBLISHER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Tokens in Postgres, stored as sha256 hashes: a leaked table leaks no usable token. */
export class TokenStore {
  constructor(private readonly pool: Pool) {}

  async create(input: NewToken): Promise<{ token: string; info: TokenInfo }> {
    const bad = input.scopes.filter((s) => !SCOPES.includes(s));
    if (!input.scopes.length || bad.length) throw new LedgerError(400, 'token.invalid_scopes', 'Invalid scopes', `Scopes are ${SCOPES.join(', ')}.`);
    const publisher = input.publisher ?? input.name;
    if (!PUBLISHER.test(publisher)) throw new LedgerError(400, 'token.invalid_publisher', 'Invalid publisher id', 'Letters, digits and _ . : - only.');
    const token = input.secret ?? `sl_${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.pool.query(
      `INSERT INTO ledger.tokens (id, name, publisher, scopes, token_sha256, rate_per_sec)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (token_sha256) DO UPDATE SET revoked_at = ledger.tokens.revoked_at
       RETURNING *`,
      [randomUUID(), input.name, publisher, input.scopes, sha256(token), input.ratePerSec ?? DEFAULT_RATE_PER_SEC],
    );
    return { token, info: toInfo(rows[0]) };
  }

  async list(): Promise<TokenInfo[]> {
    const { rows } = await this.pool.query(`SELECT * FROM ledger.tokens ORDER BY created_at, id`);
    return rows.map(toInfo);
  }

  /** Revokes by id; answers whether a live token was revoked. */
  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE ledger.tokens SET revoked_at = now() WHERE id::text = $1 AND revoked_at IS NULL`, [id]);
    return rowCount === 1;
  }

  /** Which of these token ids are live (known and not revoked). */
  async liveIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const { rows } = await this.pool.query(`SELECT id::text AS id FROM ledger.tokens WHERE id::text = ANY($1::text[]) AND revoked_at IS NULL`, [ids]);
    return new Set(rows.map((r) => r.id as string));
  }

  /** The principal of a live token, or null for an unknown or revoked one. */
  async verify(token: string): Promise<Principal | null> {
    // Through the lookup function: the query API's roles may not read the tokens table (0005_token_lookup.sql).
    const { rows } = await this.pool.query(`SELECT * FROM ledger.token_principal($1)`, [sha256(token)]);
    if (!rows.length) return null;
    const r = rows[0];
    return { tokenId: r.id, name: r.name, publisher: r.publisher, scopes: r.scopes, ratePerSec: r.rate_per_sec };
  }
}

function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function toInfo(r: Record<string, any>): TokenInfo {
  return {
    id: r.id,
    name: r.name,
    publisher: r.publisher,
    scopes: r.scopes,
    ratePerSec: r.rate_per_sec,
    createdAt: (r.created_at as Date).toISOString(),
    revokedAt: r.revoked_at ? (r.revoked_at as Date).toISOString() : null,
  };
}
