/**
 * What a token may do. `publish` writes events, `read` reads the read models, `audit` reads the
 * journal and verification results, `admin` manages tokens and implies every other scope.
 */
export const SCOPES = ['publish', 'read', 'audit', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: resolved from the bearer token. */
export interface Principal {
  tokenId: string;
  name: string;
  /** The publisher id stamped on every event this token publishes. */
  publisher: string;
  scopes: Scope[];
  ratePerSec: number;
}

export function hasScope(principal: Principal, wanted: readonly Scope[]): boolean {
  return principal.scopes.includes('admin') || wanted.some((s) => principal.scopes.includes(s));
}
