import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ApiProblems } from '../api-docs';
import { Scope } from '@ledger/ledger-store';

export const SCOPES_KEY = 'ledger:scopes';
export const PUBLIC_KEY = 'ledger:public';
export const QUERY_TOKEN_KEY = 'ledger:query-token';

/** The route needs a token holding at least one of these scopes (documented: bearer auth, 401/403/429). */
export const RequireScopes = (...scopes: Scope[]) =>
  applyDecorators(SetMetadata(SCOPES_KEY, scopes), ApiBearerAuth('bearer'), ApiExtension('x-required-scopes', scopes), ApiProblems(401, 403, 429));

/**
 * The route also takes its token as `?token=` (only when no Authorization header is sent): for
 * EventSource, which cannot send headers. Every other route reads the header only.
 */
export const AllowQueryToken = () => applyDecorators(SetMetadata(QUERY_TOKEN_KEY, true), ApiSecurity('queryToken'));

/** The route needs no token (health, metrics, docs, the dashboard page). Everything else does. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
