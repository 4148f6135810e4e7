import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Pool } from 'pg';
import { LedgerError } from '@ledger/contracts';
import { PG_POOL, isDatabaseUnavailable } from '@ledger/postgres';
import { CLOCK, Clock } from '@ledger/config';
import { hasScope, Principal, Scope, TokenStore } from '@ledger/ledger-store';
import { PUBLIC_KEY, QUERY_TOKEN_KEY, SCOPES_KEY } from './scopes';

/** How long a verified (or refused) token is trusted before it is looked up again: revocation delay. */
export const TOKEN_CACHE_MS = 2_000;
/** How long a verified token stays usable while PostgreSQL cannot be reached. */
export const STALE_TOKEN_MS = 5 * 60_000;

interface Cached {
  principal: Principal | null;
  until: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Every route needs a bearer token unless marked @Public(); @RequireScopes names the scopes that
 * let a caller in (admin implies all). 401 without a valid token, 403 without the scope, 429 past
 * the token's rate (a token bucket of one second's worth, per process). A route marked
 * @AllowQueryToken() also takes `?token=` when no Authorization header is sent.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly store: TokenStore;
  private readonly cache = new Map<string, Cached>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(PG_POOL) pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.store = new TokenStore(pool);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const wanted = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? ['admin'];
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; query?: Record<string, unknown>; principal?: Principal }>();
    const fromQuery = this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN_KEY, targets) ? request.query?.token : undefined;
    const principal = await this.authenticate(request.headers.authorization ?? (typeof fromQuery === 'string' ? `Bearer ${fromQuery}` : undefined));
    if (!hasScope(principal, wanted)) {
      throw new LedgerError(403, 'auth.forbidden', 'Missing scope', `This needs a token with scope ${wanted.join(' or ')}; yours has ${principal.scopes.join(', ')}.`);
    }
    const reply = context.switchToHttp().getResponse<{ header?: (name: string, value: string) => unknown } | undefined>();
    this.throttle(principal, reply);
    request.principal = principal;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header ?? '');
    if (!match) {
      throw new LedgerError(401, 'auth.unauthenticated', 'Token required', 'Send Authorization: Bearer <token>.');
    }
    const token = match[1];
    const now = this.clock();
    let cached = this.cache.get(token);
    if (!cached || cached.until < now) {
      const stale = cached;
      try {
        cached = { principal: await this.store.verify(token), until: now + TOKEN_CACHE_MS };
      } catch (e) {
        // PostgreSQL out of reach: a token verified within STALE_TOKEN_MS stays good meanwhile (nobody
        // can revoke one while the database is down), so publishing to Kafka goes on.
        if (!isDatabaseUnavailable(e) || !stale || stale.until + STALE_TOKEN_MS < now) throw e;
        cached = stale;
      }
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, cached);
    }
    if (!cached.principal) throw new LedgerError(401, 'auth.invalid_token', 'Invalid token', 'The token is unknown or revoked.');
    return cached.principal;
  }

  /**
   * Takes one token from the caller's bucket (capacity: one second's worth, refilled continuously)
   * and says so in the IETF draft's headers: the policy (`q` requests per `w`=1 second), the whole
   * requests left now (`r`) and the seconds until the bucket is full again (`t`).
   */
  private throttle(principal: Principal, reply?: { header?: (name: string, value: string) => unknown }): void {
    const now = this.clock();
    const rate = principal.ratePerSec;
    const bucket = this.buckets.get(principal.tokenId) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    const tell = () => {
      if (typeof reply?.header !== 'function') return;
      reply.header('RateLimit-Policy', `"default";q=${rate};w=1`);
      reply.header('RateLimit', `"default";r=${Math.max(0, Math.floor(bucket.tokens))};t=${Math.ceil(Math.max(0, rate - bucket.tokens) / rate)}`);
    };
    if (bucket.tokens < 1) {
      this.buckets.set(principal.tokenId, bucket);
      tell();
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
      throw new LedgerError(429, 'rate.limited', 'Too many requests', `This token may make ${rate} requests per second.`, { retryAfter });
    }
    bucket.tokens -= 1;
    this.buckets.set(principal.tokenId, bucket);
    tell();
  }
}
