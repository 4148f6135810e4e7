import { EventEnvelope, validateEnvelope } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { inTransaction } from '@ledger/postgres';
import { applyRecorded, http, HttpResult, recordAll, seedEnvelopes, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { QueryApiModule } from '../query-api.module';

/** A query API on a fresh database holding the seed case (DOMAIN.md §5), folded by the real projections. */
export interface SeededQueryApp {
  ctx: TestContext;
  url: string;
  /** A token with scope `read`. */
  token: string;
  get<T = any>(path: string, token?: string): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

/**
 * For integration tests: arranged with events (the seed, then `extra` event bodies as a publisher
 * would send them), never with hand-written rows.
 */
export async function startSeededQueryApp(extra: Record<string, unknown>[] = []): Promise<SeededQueryApp> {
  const ctx = await createTestContext();
  try {
    const events = [...seedEnvelopes(), ...extra.map(envelope)];
    await inTransaction(ctx.pool, (client) => applyRecorded(client, recordAll(events)));
    const token = (await new TokenStore(ctx.pool).create({ name: 'dashboard', scopes: ['read'] })).token;
    const app = await startTestApp(ctx, [QueryApiModule]);
    return {
      ctx,
      url: app.url,
      token,
      get: (path, as = token) => http('GET', `${app.url}${path}`, { token: as }),
      close: async () => {
        await app.close();
        await ctx.close();
      },
    };
  } catch (e) {
    await ctx.close();
    throw e;
  }
}

function envelope(body: Record<string, unknown>): EventEnvelope {
  const result = validateEnvelope({ ...body, source: { publisher: 'test-desk' } });
  if (!result.ok) throw new Error(`invalid test event: ${JSON.stringify(result.problems)}`);
  return result.event;
}
