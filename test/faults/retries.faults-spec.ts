import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { idFromIdempotencyKey } from '@ledger/contracts';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { QueryApiModule } from '../../apps/query-api/src/query-api.module';
import { TokenStore } from '@ledger/ledger-store';
import { http, statementMade, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { recordFigures, ScenarioFigures } from './figures';
import { countsByEventId, highWatermarks, randomFrom, rows, runConcurrently, scenarioSeed, shuffled, sleep, tally, waitForProjectorAtEnd } from './harness/support';

// Scenario 5, publisher retries: ~2,000 events, each sent one to four times — by event id or by
// Idempotency-Key, singly and in whole batches that partly repeat earlier ones, concurrently, some
// requests aborted by the client after a few milliseconds (it never learns the outcome) and then
// retried. Every event must take effect exactly once, and an honest retry must never get 409.

const N = 2_000;
const CONCURRENCY = 16;
const PUBLISHER = 'retry-desk';
const PARTIES = ['USA', 'UKR', 'RUS', 'FRA', 'DEU', 'GBR', 'POL', 'TUR', 'SAU', 'CHN', 'IND', 'BRA'];

interface Planned {
  index: number;
  /** `id`: the body carries eventId; `key`: no eventId, an Idempotency-Key header instead. */
  mode: 'id' | 'key';
  body: Record<string, any>;
  key?: string;
  /** The id the ledger must end up with (given, or derived from the key and the publisher). */
  eventId: string;
}

type Task = { kind: 'single'; event: Planned; abortAfterMs?: number } | { kind: 'batch'; events: Planned[]; abortAfterMs?: number };

interface Stats {
  requests: number;
  single: number;
  batch: number;
  aborted: number;
  networkErrors: number;
  status202: number;
  status200: number;
  status503: number;
}

type Outcome = { status: number; body: any; retryAfter: string | null } | 'aborted' | 'network-error';

describe('fault scenario 5: publisher retries', () => {
  const seed = scenarioSeed();
  const random = randomFrom(seed);
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  let token: string;
  let readToken: string;
  let planned: Planned[];
  const stats: Stats = { requests: 0, single: 0, batch: 0, aborted: 0, networkErrors: 0, status202: 0, status200: 0, status503: 0 };
  const acknowledged = new Set<string>();
  const unexpected: string[] = [];
  const figures: Record<string, number | string> = { seed };
  let result: ScenarioFigures | undefined;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tokens = new TokenStore(ctx.pool);
    token = (await tokens.create({ name: PUBLISHER, scopes: ['publish'], ratePerSec: 1_000_000 })).token;
    readToken = (await tokens.create({ name: 'retry-reader', scopes: ['read'], ratePerSec: 1_000_000 })).token;
    app = await startTestApp(ctx, [IngestApiModule, ProjectorModule, QueryApiModule]);
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string>, abortAfterMs?: number): Promise<Outcome> => {
    const controller = new AbortController();
    const timer = abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abortAfterMs);
    stats.requests++;
    try {
      const res = await fetch(app.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
    } catch (e) {
      if (controller.signal.aborted) return 'aborted';
      return 'network-error';
    } finally {
      clearTimeout(timer);
    }
  };

  /** Sends until the ledger answers: an aborted request or a 503 leaves the outcome unknown, so the client sends the same thing again. */
  const run = async (task: Task): Promise<void> => {
    const events = task.kind === 'single' ? [task.event] : task.events;
    for (let attempt = 0; attempt < 30; attempt++) {
      const abortAfterMs = attempt === 0 ? task.abortAfterMs : undefined;
      let outcome: Outcome;
      if (task.kind === 'single') {
        stats.single++;
        outcome = await post('/v1/events', task.event.body, task.event.key ? { 'idempotency-key': task.event.key } : {}, abortAfterMs);
      } else {
        stats.batch++;
        outcome = await post('/v1/events/batch', { events: task.events.map((e) => e.body) }, {}, abortAfterMs);
      }
      if (outcome === 'aborted') {
        stats.aborted++;
        continue;
      }
      if (outcome === 'network-error') {
        stats.networkErrors++;
        await sleep(20);
        continue;
      }
      if (outcome.status === 503) {
        stats.status503++;
        await sleep(Math.min(Number(outcome.retryAfter ?? 1), 2) * 1000);
        continue;
      }
      check(task, events, outcome);
      return;
    }
    unexpected.push(`${task.kind} of ${events.map((e) => e.eventId).join(',')}: no answer after 30 attempts`);
  };

  const check = (task: Task, events: Planned[], outcome: { status: number; body: any }): void => {
    const where = `${task.kind} ${events.length === 1 ? events[0].eventId : `of ${events.length}`}`;
    if (outcome.status !== 202 && outcome.status !== 200) {
      unexpected.push(`${where}: ${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`);
      return;
    }
    outcome.status === 202 ? stats.status202++ : stats.status200++;
    const results: { eventId: string; status: string }[] = task.kind === 'single' ? [outcome.body] : (outcome.body?.results ?? []);
    if (results.length !== events.length) {
      unexpected.push(`${where}: ${results.length} results for ${events.length} events`);
      return;
    }
    results.forEach((r, i) => {
      const wantStatus = r.status === 'accepted' || r.status === 'duplicate';
      if (r.eventId !== events[i].eventId || !wantStatus) unexpected.push(`${where}: result ${i} is ${JSON.stringify(r)}, expected ${events[i].eventId}`);
      else acknowledged.add(r.eventId);
    });
    const allDuplicates = results.every((r) => r.status === 'duplicate');
    if ((outcome.status === 200) !== allDuplicates) unexpected.push(`${where}: status ${outcome.status} with results ${results.map((r) => r.status).join(',')}`);
  };

  it('applies every event exactly once, whatever the retries, aborts and repeated batches', async () => {
    // The plan: a quarter of the events by Idempotency-Key (single sends only: a batch item has no
    // header), the others by event id; a third of those go out in batches of 20, each batch sent
    // one to three times, plus a batch straddling it and the next one (half old, half new events).
    planned = Array.from({ length: N }, (_, index) => {
      const party = PARTIES[index % PARTIES.length];
      const body = statementMade(
        { proposalId: undefined, actors: [{ actorId: party }], occurredAt: { value: `2025-03-${String(1 + (index % 28)).padStart(2, '0')}`, precision: 'day' } },
        { text: `Retry drill ${seed}, statement ${index} by ${party}.`, tone: 'neutral', topics: ['retries'] },
      );
      if (random() < 0.25) {
        const key = `retry-${seed}-${index}`;
        delete body.eventId;
        return { index, mode: 'key' as const, body, key, eventId: idFromIdempotencyKey(PUBLISHER, key) };
      }
      return { index, mode: 'id' as const, body, eventId: body.eventId as string };
    });
    const abort = () => (random() < 0.15 ? 1 + Math.floor(random() * 8) : undefined);
    const byId = planned.filter((p) => p.mode === 'id');
    const batched = shuffled(byId, random).slice(0, Math.floor(byId.length / 3));
    const inBatch = new Set(batched);
    const tasks: Task[] = [];
    for (const event of planned) {
      // Batched events are also sent singly now and then; the others one to four times.
      const sends = inBatch.has(event) ? (random() < 0.3 ? 1 : 0) : 1 + Math.floor(random() * 4);
      for (let s = 0; s < sends; s++) tasks.push({ kind: 'single', event, abortAfterMs: abort() });
    }
    const groups: Planned[][] = [];
    for (let i = 0; i < batched.length; i += 20) groups.push(batched.slice(i, i + 20));
    groups.forEach((group, g) => {
      const times = 1 + Math.floor(random() * 3);
      for (let t = 0; t < times; t++) tasks.push({ kind: 'batch', events: group, abortAfterMs: abort() });
      const next = groups[g + 1];
      if (next) tasks.push({ kind: 'batch', events: [...group.slice(10), ...next.slice(0, 10)], abortAfterMs: abort() });
    });
    // One batch repeats an event inside itself: still one effect.
    tasks.push({ kind: 'batch', events: [groups[0][0], groups[0][1], groups[0][0]] });

    const started = Date.now();
    await runConcurrently(shuffled(tasks, random), CONCURRENCY, run);
    figures.publishSeconds = (Date.now() - started) / 1000;

    expect(unexpected).toEqual([]);
    expect(acknowledged.size).toBe(N);
    expect(stats.aborted).toBeGreaterThan(0);

    figures.catchUpSeconds = await waitForProjectorAtEnd(ctx, 120_000);
    const journal = tally(acknowledged, await countsByEventId(ctx.pool, 'journal'));
    const statements = tally(acknowledged, await countsByEventId(ctx.pool, 'statements'));
    const dispositions = Object.fromEntries(
      (await rows(ctx.pool, `SELECT disposition, count(*)::int AS n FROM ledger.journal GROUP BY disposition`)).map((r) => [r.disposition, r.n]),
    );
    const logRecords = Object.values(await highWatermarks(ctx.log, ctx.topics.events)).reduce((n, h) => n + Number(h), 0);
    Object.assign(figures, {
      planned: N,
      byIdempotencyKey: planned.length - byId.length,
      inBatches: batched.length,
      ...stats,
      logRecords,
      journalApplied: dispositions.applied ?? 0,
      journalDuplicates: dispositions.duplicate ?? 0,
      journalRejected: dispositions.rejected ?? 0,
    });
    result = {
      scenario: 'retries',
      acknowledged: acknowledged.size,
      applied: statements.once + statements.more,
      duplicated: Math.max(journal.more, statements.more),
      lost: statements.missing.length,
      recoverySeconds: null,
      extra: figures,
    };
    recordFigures(result);

    expect({ more: journal.more, missing: journal.missing, unexpected: journal.unexpected }).toEqual({ more: 0, missing: [], unexpected: [] });
    expect({ more: statements.more, missing: statements.missing, unexpected: statements.unexpected }).toEqual({ more: 0, missing: [], unexpected: [] });
    expect(statements.once).toBe(N);
    expect(dispositions.rejected ?? 0).toBe(0);
    expect(await rows(ctx.pool, `SELECT count(*)::int AS n FROM ledger.rejections`)).toEqual([{ n: 0 }]);
    // Every extra record the retries put on the log was journaled as a duplicate, nothing else.
    expect((dispositions.applied ?? 0) + (dispositions.duplicate ?? 0)).toBe(logRecords);

    for (const p of [...planned.filter((e) => e.mode === 'key').slice(0, 5), ...batched.slice(0, 5)]) {
      const status = await http('GET', `${app.url}/v1/events/${p.eventId}`, { token: readToken });
      expect([p.eventId, status.status, status.body.status]).toEqual([p.eventId, 200, 'applied']);
    }
  }, 240_000);

  it('answers 409 to the same id with other content, and changes nothing — also from a fresh ingest instance', async () => {
    const before = {
      log: await highWatermarks(ctx.log, ctx.topics.events),
      journal: await rows(ctx.pool, `SELECT count(*)::int AS n FROM ledger.journal`),
      texts: await rows(ctx.pool, `SELECT md5(string_agg(event_id::text || text, ',' ORDER BY event_id)) AS d FROM read_model.statements_v1`),
    };
    const byId = planned.filter((p) => p.mode === 'id').slice(0, 6);
    const byKey = planned.filter((p) => p.mode === 'key').slice(0, 4);
    const altered = (p: Planned) => ({ ...p.body, data: { ...p.body.data, text: `${p.body.data.text} (edited afterwards)` } });
    // A fresh ingest instance has no in-memory receipts: it must find the first content in PostgreSQL.
    const fresh = await startTestApp(ctx, [IngestApiModule]);
    const conflicts: { where: string; status: number; code: string }[] = [];
    let tried = 0;
    try {
      for (const url of [app.url, fresh.url]) {
        for (const p of byId) {
          const res = await http('POST', `${url}/v1/events`, { json: altered(p), token });
          conflicts.push({ where: p.eventId, status: res.status, code: res.body?.code });
        }
        for (const p of byKey) {
          const res = await http('POST', `${url}/v1/events`, { json: altered(p), token, headers: { 'idempotency-key': p.key! } });
          conflicts.push({ where: p.key!, status: res.status, code: res.body?.code });
        }
        // A batch with one conflicting item and one new event: refused whole, the new one is not published.
        const newcomer = statementMade({ proposalId: undefined, actors: [{ actorId: 'USA' }] }, { text: `Never published (${url}).` });
        const res = await http('POST', `${url}/v1/events/batch`, { json: { events: [newcomer, altered(byId[0])] }, token });
        conflicts.push({ where: `batch via ${url}`, status: res.status, code: res.body?.code });
        expect((await http('GET', `${app.url}/v1/events/${newcomer.eventId}`, { token: readToken })).status).toBe(404);
        // And the honest retry still gets its 200 duplicate.
        const honest = await http('POST', `${url}/v1/events`, { json: byId[1].body, token });
        expect([honest.status, honest.body.status]).toEqual([200, 'duplicate']);
        tried += byId.length + byKey.length + 1;
      }
    } finally {
      await fresh.close();
    }
    expect(conflicts.filter((c) => c.status !== 409 || c.code !== 'event.id_conflict')).toEqual([]);
    await sleep(500); // anything published by mistake would reach the journal meanwhile
    expect(await highWatermarks(ctx.log, ctx.topics.events)).toEqual(before.log);
    expect(await rows(ctx.pool, `SELECT count(*)::int AS n FROM ledger.journal`)).toEqual(before.journal);
    expect(await rows(ctx.pool, `SELECT md5(string_agg(event_id::text || text, ',' ORDER BY event_id)) AS d FROM read_model.statements_v1`)).toEqual(before.texts);
    figures.conflictsRefused = tried;
    if (result) recordFigures(result);
  });
});
