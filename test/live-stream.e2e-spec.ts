import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Agent, fetch } from 'undici';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { LiveStream } from '../apps/query-api/src/stream/live-stream';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { SseReader } from './sse-reader';

// GET /v1/stream across the three apps on a real broker and server: a publish reaches an open
// stream as `applied` and `position` within a second; the listener survives a dropped connection.
describe('GET /v1/stream', () => {
  let ctx: TestContext;
  let ingest: { url: string; close(): Promise<void> };
  let projector: { url: string; close(): Promise<void> };
  let query: Awaited<ReturnType<typeof startTestApp>>;
  let readToken: string;
  let publishToken: string;
  const streams: { close(): void }[] = [];

  /** Each stream on its own connection pool, closed with it (Node's global fetch may leave a spare connection open). */
  const open = async (path: string, headers: Record<string, string> = {}): Promise<SseReader> => {
    const abort = new AbortController();
    const agent = new Agent();
    streams.push({ close: () => (abort.abort(), void agent.destroy()) });
    return new SseReader(await fetch(`${query.url}${path}`, { headers, signal: abort.signal, dispatcher: agent }));
  };
  const publish = async (body: Record<string, unknown>) => {
    const res = await http('POST', `${ingest.url}/v1/events`, { json: body, token: publishToken });
    expect(res.status).toBe(202);
    return Date.now();
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    const tokens = new TokenStore(ctx.pool);
    readToken = (await tokens.create({ name: 'dashboard', scopes: ['read'] })).token;
    publishToken = (await tokens.create({ name: 'coder-desk', scopes: ['publish'] })).token;
    ingest = await startTestApp(ctx, [IngestApiModule]);
    projector = await startTestApp(ctx, [ProjectorModule]);
    query = await startTestApp(ctx, [QueryApiModule]);
  });

  afterAll(async () => {
    streams.forEach((s) => s.close());
    for (const app of [query, projector, ingest]) await app?.close().catch(() => undefined);
    await ctx?.close();
  });

  it('refuses a missing or insufficient token, and takes ?token= on this route only', async () => {
    const none = await http('GET', `${query.url}/v1/stream`);
    expect([none.status, none.body.code]).toEqual([401, 'auth.unauthenticated']);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const publishOnly = await http('GET', `${query.url}/v1/stream?token=${publishToken}`);
    expect([publishOnly.status, publishOnly.body.code]).toEqual([403, 'auth.forbidden']);
    expect((await http('GET', `${query.url}/v1/stream?token=sl_unknown`)).body.code).toBe('auth.invalid_token');
    const elsewhere = await http('GET', `${query.url}/v1/statements?token=${readToken}`);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([401, 'auth.unauthenticated']);
    const extra = await http('GET', `${query.url}/v1/stream?token=${readToken}&since=0`);
    expect([extra.status, extra.body.code]).toEqual([400, 'query.invalid']);

    const byHeader = await open('/v1/stream', { authorization: `Bearer ${readToken}` });
    const byQuery = await open(`/v1/stream?token=${readToken}`);
    for (const stream of [byHeader, byQuery]) {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.response.headers.get('cache-control')).toBe('no-cache');
      expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    }
  });

  it('delivers `applied` and `position` within a second of a publish', async () => {
    const stream = await open(`/v1/stream?token=${readToken}`);
    // The projector's consumer joins its group first: wait for a warm-up event to come through.
    const warmUp = statementMade();
    await publish(warmUp);
    await stream.next((m) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === warmUp.eventId), 30_000);

    const eventId = randomUUID();
    const proposalId = `stream-test-${eventId.slice(0, 8)}`;
    const sent = await publish({
      eventId,
      type: 'ProposalMade',
      schemaVersion: 1,
      occurredAt: '2025-03-11',
      actors: [{ actorId: 'USA' }],
      recipients: [{ actorId: 'RUS' }],
      proposalId,
      data: { proposal: { title: 'A test truce', kind: 'ceasefire', terms: ['Stop'], durationDays: 7 }, version: 1 },
    });
    const applied = await stream.next((m) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === eventId), 5_000);
    const position = await stream.next((m) => m.event === 'position' && m.data.proposalId === proposalId, 5_000);
    expect(applied.data).toEqual({ partition: expect.any(Number), nextOffset: expect.any(String), events: [{ eventId, type: 'ProposalMade' }] });
    expect(position.data).toEqual({ party: 'USA', proposalId });
    expect(Math.max(applied.at, position.at) - sent).toBeLessThan(1_000);
  });

  it('gives a reconnecting dashboard (Last-Event-ID) what it missed while away, once, in order, then the live feed', async () => {
    const has = (eventId: string) => (m: { event: string; data: any }) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === eventId);
    const watcher = await open(`/v1/stream?token=${readToken}`);
    const seen = statementMade();
    await publish(seen);
    await watcher.next(has(seen.eventId), 30_000);
    const last = [...watcher.messages].reverse().find((m) => m.id !== undefined)!;
    expect(last.id).toMatch(/^\d+:\d+(,\d+:\d+)*$/);
    // The dashboard is away while two more are applied (the watcher sees them arrive).
    const missed = [statementMade(), statementMade()];
    for (const e of missed) await publish(e);
    for (const e of missed) await watcher.next(has(e.eventId), 10_000);

    const back = await open(`/v1/stream?token=${readToken}`, { 'last-event-id': last.id! });
    for (const e of missed) await back.next(has(e.eventId), 5_000);
    const later = statementMade();
    await publish(later);
    await back.next(has(later.eventId), 10_000);
    const applied = back.messages.filter((m) => m.event === 'applied').flatMap((m) => m.data.events.map((e: { eventId: string }) => e.eventId));
    // Nothing twice, nothing from before the id; the missed ones (per partition in order) before the live one.
    expect(applied.slice(0, 2).sort()).toEqual(missed.map((e) => e.eventId).sort());
    expect(applied.slice(2)).toEqual([later.eventId]);
    expect(back.messages.some((m) => m.event === 'resync')).toBe(false);
  });

  it('resumes from the journal when the live feed no longer keeps the Last-Event-ID: nothing missed, stances included', async () => {
    const has = (eventId: string) => (m: { event: string; data: any }) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === eventId);
    const watcher = await open(`/v1/stream?token=${readToken}`);
    const seen = statementMade();
    await publish(seen);
    await watcher.next(has(seen.eventId), 30_000);
    const last = [...watcher.messages].reverse().find((m) => m.id !== undefined)!;
    const proposalId = `journal-resume-${randomUUID().slice(0, 8)}`;
    const missed = [
      statementMade(),
      {
        eventId: randomUUID(),
        type: 'ProposalMade',
        schemaVersion: 1,
        occurredAt: '2025-03-11',
        actors: [{ actorId: 'USA' }],
        recipients: [{ actorId: 'RUS' }],
        proposalId,
        data: { proposal: { title: 'A truce proposed while the dashboard was away', kind: 'ceasefire', terms: ['Stop'], durationDays: 7 }, version: 1 },
      },
    ];
    for (const e of missed) await publish(e);
    for (const e of missed) await watcher.next(has(e.eventId), 10_000);
    // The dashboard was away longer than the feed keeps announcements: they are gone.
    await ctx.pool.query('DELETE FROM ledger.live_feed');

    const back = await open(`/v1/stream?token=${readToken}`, { 'last-event-id': last.id! });
    for (const e of missed) await back.next(has(e.eventId), 5_000);
    const position = await back.next((m) => m.event === 'position' && m.data.proposalId === proposalId, 5_000);
    expect(position.data).toEqual({ party: 'USA', proposalId });
    const later = statementMade();
    await publish(later);
    await back.next(has(later.eventId), 10_000);
    const applied = back.messages.filter((m) => m.event === 'applied').flatMap((m) => m.data.events.map((e: { eventId: string }) => e.eventId));
    expect(applied.slice(0, 2).sort()).toEqual(missed.map((e) => e.eventId).sort());
    expect(applied.slice(2)).toEqual([later.eventId]);
    expect(back.messages.some((m) => m.event === 'resync')).toBe(false);
    // Each rebuilt announcement carries an id a later reconnection can resume from.
    const resumedIds = back.messages.filter((m) => m.id !== undefined).map((m) => m.id!);
    expect(resumedIds.length).toBeGreaterThan(0);
    const again = await open(`/v1/stream?token=${readToken}`, { 'last-event-id': resumedIds[resumedIds.length - 1] });
    const more = statementMade();
    await publish(more);
    await again.next(has(more.eventId), 10_000);
    expect(again.messages.filter((m) => m.event === 'applied').flatMap((m) => m.data.events.map((e: { eventId: string }) => e.eventId))).toEqual([more.eventId]);
  });

  it('tells a stream resuming from a Last-Event-ID it never issued to resync instead of guessing', async () => {
    for (const id of ['garbage', '0:999999999999', `0:1${','.repeat(3)}`]) {
      const stream = await open(`/v1/stream?token=${readToken}`, { 'last-event-id': id });
      const resync = await stream.next((m) => m.event === 'resync', 5_000);
      expect(resync.data.reason).toMatch(/Last-Event-ID/);
    }
  });

  it('tells open streams to resync after the listening connection drops, and keeps delivering', async () => {
    const stream = await open(`/v1/stream?token=${readToken}`);
    const killed = await ctx.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ledger-stream' AND datname = current_database()`);
    expect(killed.rowCount).toBe(1);
    await stream.next((m) => m.event === 'resync', 10_000);
    expect(stream.comments).toContain('the live feed is interrupted; reconnecting');
    const after = statementMade();
    await publish(after);
    await stream.next((m) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === after.eventId), 10_000);
  });

  it('announces nothing a forged NOTIFY claims (sent by a role that can write nothing), and still delivers real events', async () => {
    const stream = await open(`/v1/stream?token=${readToken}`);
    const role = `forger_${ctx.id}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    await ctx.pool.query(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(ctx.databaseUrl);
    url.username = role;
    url.password = '';
    const forger = new Client({ connectionString: url.toString() });
    try {
      await forger.connect();
      expect((await forger.query('SELECT current_user AS who')).rows[0].who).toBe(role);
      // The forger cannot write the feed the stream reads...
      await expect(forger.query(`INSERT INTO ledger.live_feed (partition, next_offset, announcement) VALUES (0, 1, '{}')`)).rejects.toMatchObject({ code: '42501' });
      // ...but may NOTIFY any channel: a fake acceptance on every partition, and junk.
      const fakeId = randomUUID();
      for (let partition = 0; partition < 8; partition++) {
        const fake = { partition, nextOffset: '999999', events: [{ eventId: fakeId, type: 'ProposalAccepted' }], positions: [{ party: 'RUS', proposalId: 'forged-truce' }] };
        await forger.query('SELECT pg_notify($1, $2)', ['ledger_applied', JSON.stringify(fake)]);
      }
      await forger.query(`SELECT pg_notify('ledger_applied', '{"partition":-1}'), pg_notify('ledger_applied', 'not json'), pg_notify('ledger_applied', '{"partition":1e9}')`);

      const real = statementMade();
      await publish(real);
      await stream.next((m) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === real.eventId), 30_000);
      const announced = stream.messages.filter((m) => m.event === 'applied').flatMap((m) => m.data.events.map((e: { eventId: string }) => e.eventId));
      expect(announced).not.toContain(fakeId);
      expect(stream.messages.filter((m) => m.event === 'position' && m.data.proposalId === 'forged-truce')).toEqual([]);
      // Everything the stream announced is in the journal.
      const { rows } = await ctx.pool.query(`SELECT count(*)::int AS n FROM ledger.journal WHERE event_id = ANY($1::uuid[]) AND disposition = 'applied'`, [announced]);
      expect(rows[0].n).toBe(new Set(announced).size);
    } finally {
      await forger.end().catch(() => undefined);
      await ctx.pool.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('ends the open streams of a revoked token within the seconds new requests with it are refused', async () => {
    const tokens = new TokenStore(ctx.pool);
    const doomed = await tokens.create({ name: 'leaked-dashboard', scopes: ['read'] });
    const first = await open(`/v1/stream?token=${doomed.token}`);
    const second = await open('/v1/stream', { authorization: `Bearer ${doomed.token}` });
    const bystander = await open(`/v1/stream?token=${readToken}`);
    expect([first.response.status, second.response.status]).toEqual([200, 200]);

    expect(await tokens.revoke(doomed.info.id)).toBe(true);
    const revokedAt = Date.now();
    const refusedAt = await eventually(async () => ((await http('GET', `${query.url}/v1/parties`, { token: doomed.token })).status === 401 ? Date.now() : undefined), 10_000);
    await eventually(async () => (first.ended && second.ended ? true : undefined), 10_000);
    const endedAt = Date.now();
    expect(endedAt - revokedAt).toBeLessThan(5_000);
    expect(endedAt - refusedAt).toBeLessThan(3_000);
    for (const stream of [first, second]) expect(stream.messages.find((m) => m.event === 'revoked')?.data).toEqual({ reason: 'token revoked' });
    // Reconnecting with it is refused; a stream opened with another token goes on.
    const again = await http('GET', `${query.url}/v1/stream?token=${doomed.token}`);
    expect([again.status, again.body.code]).toEqual([401, 'auth.invalid_token']);
    expect(bystander.ended).toBe(false);
    const after = statementMade();
    await publish(after);
    await bystander.next((m) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === after.eventId), 10_000);
  });

  it('forgets a stream whose client went away (the open-streams gauge too), and ends open streams when the app shuts down', async () => {
    streams.splice(0).forEach((s) => s.close());
    const live = query.app.get(LiveStream);
    await eventually(async () => (live.openStreams === 0 ? true : undefined), 5_000);
    const stream = await open(`/v1/stream?token=${readToken}`);
    await open(`/v1/stream?token=${readToken}`);
    expect(live.openStreams).toBe(2);
    // The open-streams gauge an operator watches follows them, down as well as up.
    const gauge = async () => Number(/^ledger_stream_open (\d+)$/m.exec(String((await http('GET', `${query.url}/metrics`)).body))?.[1]);
    expect(await gauge()).toBe(2);
    streams[streams.length - 1].close();
    await eventually(async () => (live.openStreams === 1 ? true : undefined), 5_000);
    expect(await gauge()).toBe(1);
    const started = Date.now();
    await query.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    for (let i = 0; i < 100 && !stream.ended; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stream.ended).toBe(true);
    const listening = await ctx.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'ledger-stream' AND datname = current_database()`);
    expect(listening.rows[0].n).toBe(0);
  });
});
