import { AddressInfo, createServer, connect, Server, Socket } from 'node:net';
import { Pool } from 'pg';
import { createPool } from '@ledger/postgres';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

/** A TCP relay to the real PostgreSQL that the test can cut and restore: "the database went away". */
class Relay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

const metric = (text: string, name: string, labels: Record<string, string> = {}): number => {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(name + ' ') || line.startsWith(name + '{'))
    .filter((line) => wanted.every((w) => line.includes(w)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
};

// The ops surface of an app hosting ingest, projector and query in one process (as `ledger start`
// does), on a real broker and server; Postgres is reached through a relay the test can cut.
describe('health, metrics and request ids', () => {
  let ctx: TestContext;
  let relay: Relay;
  let app: { url: string; close(): Promise<void> };
  let token: string;
  let relayed: Pool;

  beforeAll(async () => {
    ctx = await createTestContext();
    token = (await new TokenStore(ctx.pool).create({ name: 'ops-desk', scopes: ['publish', 'read'] })).token;
    const db = new URL(ctx.databaseUrl);
    relay = new Relay({ host: db.hostname, port: Number(db.port || 5432) });
    await relay.open();
    db.hostname = '127.0.0.1';
    db.port = String(relay.port);
    const pool = createPool(db.toString(), { connectionTimeoutMillis: 2_000 });
    relayed = pool;
    app = await startTestApp({ ...ctx, pool }, [IngestApiModule, ProjectorModule, QueryApiModule]);
  });

  afterAll(async () => {
    await app?.close();
    await relayed?.end();
    await relay?.cut();
    await ctx?.close();
  });

  it('answers live and ready without a token, never cached', async () => {
    const live = await http('GET', `${app.url}/health/live`);
    expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(live.headers.get('cache-control')).toBe('no-store');

    const ready = await http('GET', `${app.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      checks: { postgres: { status: 'ok' }, ledgerTables: { status: 'ok' }, eventLog: { status: 'ok' }, projector: { status: 'ok' } },
    });
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  it('echoes the caller’s x-request-id and makes one up otherwise', async () => {
    const given = await http('GET', `${app.url}/health/live`, { headers: { 'x-request-id': 'req-42.abc' } });
    expect(given.headers.get('x-request-id')).toBe('req-42.abc');
    const made = await http('GET', `${app.url}/v1/statements`, { headers: { 'x-request-id': 'has spaces and is odd' } });
    expect(made.status).toBe(401);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes the ledger metrics and counts an event published and applied', async () => {
    const scrape = async () => {
      const res = await http('GET', `${app.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.body as string;
    };
    const before = await scrape();
    for (const name of [
      'ledger_events_accepted_total',
      'ledger_events_rejected_total',
      'ledger_events_applied_total',
      'ledger_events_duplicate_total',
      'ledger_dlq_total',
      'ledger_projector_lag',
      'ledger_projection_batch_seconds',
      'ledger_projection_latency_seconds',
      'http_request_duration_seconds',
      'process_cpu_seconds_total',
    ]) {
      expect(before).toContain(`# TYPE ${name} `);
    }

    const event = statementMade();
    expect((await http('POST', `${app.url}/v1/events`, { json: event, token })).status).toBe(202);
    const refused = await http('POST', `${app.url}/v1/events`, { json: statementMade({ type: 'PeaceBrokeOut' }), token });
    expect(refused.body.code).toBe('event.unknown_type');
    // A refused batch counts each of its events.
    const batch = await http('POST', `${app.url}/v1/events/batch`, { json: { events: [statementMade(), statementMade({ type: 'PeaceBrokeOut' }), statementMade()] }, token });
    expect(batch.body.code).toBe('batch.invalid');

    const after = await eventually(
      async () => {
        const text = await scrape();
        return metric(text, 'ledger_events_applied_total') > metric(before, 'ledger_events_applied_total') ? text : undefined;
      },
      30_000,
      100,
    );
    const delta = (name: string, labels: Record<string, string> = {}) => metric(after, name, labels) - metric(before, name, labels);
    expect(delta('ledger_events_accepted_total', { type: 'StatementMade' })).toBe(1);
    expect(delta('ledger_events_rejected_total', { code: 'event.unknown_type' })).toBe(1);
    expect(delta('ledger_events_rejected_total', { code: 'batch.invalid' })).toBe(3);
    expect(delta('ledger_events_applied_total')).toBe(1);
    expect(delta('ledger_projection_batch_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(delta('ledger_projection_latency_seconds_count')).toBe(1);
    // The route pattern, not the URL; one series for all the 404s.
    expect(delta('http_request_duration_seconds_count', { method: 'POST', route: '/v1/events', status: '202' })).toBe(1);
    expect(after).not.toMatch(/route="\/v1\/events\/[0-9a-f-]{36}"/);
  });

  it('turns 503 problem+json naming postgres when the database is unreachable, and ready again after', async () => {
    await relay.cut();
    const down = await http('GET', `${app.url}/health/ready`);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.body).toMatchObject({
      status: 503,
      code: 'service.unavailable',
      failed: ['postgres', 'ledgerTables'],
      checks: { postgres: { status: 'failed' }, ledgerTables: { status: 'failed' }, eventLog: { status: 'ok' } },
    });
    expect(down.body.detail).toContain('postgres');
    expect((await http('GET', `${app.url}/health/live`)).status).toBe(200);

    await relay.open();
    await eventually(async () => ((await http('GET', `${app.url}/health/ready`)).status === 200 ? true : undefined), 10_000, 200);
  });
});
