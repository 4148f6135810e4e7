import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Pool } from 'pg';
import { Agent, fetch as undiciFetch } from 'undici';
import { createPool } from '@ledger/postgres';
import { recordFigures } from '../faults/figures';
import { AppProcess } from '../faults/harness/apps';
import { waitCaughtUp } from '../faults/harness/ledger';
import { Readers, sleep } from '../faults/harness/load';
import { FaultScenario, postgresReachableTempDir } from '../faults/harness/scenario';
import { KafkaCluster } from './harness/cluster';
import { postgresBin, PrimaryAndReplica } from './harness/pg-replica';
import { SseReader } from '../sse-reader';

const PARTY = 'UKR';
const PROPOSAL = 'replica-truce';

// The query API on a PostgreSQL streaming replica (DATABASE_READ_URL): a primary of the test's own
// (initdb) and a standby made from it with pg_basebackup; ingest and projector write the primary,
// one query API reads the primary, another the replica. The replica's answers say how far behind
// it is, knownAt answers are the primary's, and the replica keeps answering while the primary
// restarts.
const bin = postgresBin();
(bin ? describe : describe.skip)('cluster: queries on a PostgreSQL streaming replica', () => {
  const cluster = new KafkaCluster();
  const root = postgresReachableTempDir('ledger-replica-');
  const pg = new PrimaryAndReplica(root, bin ?? '');
  let replicaPool: Pool;
  let s: FaultScenario;
  let ingest: AppProcess;
  let projector: AppProcess;
  let onPrimary: AppProcess;
  let onReplica: AppProcess;
  let setup: { initdbMs: number; basebackupMs: number };

  beforeAll(async () => {
    setup = await pg.start();
    replicaPool = createPool(pg.replicaUrl, { max: 2, connectionTimeoutMillis: 2_000 });
    s = await FaultScenario.open({ name: 'read-replica', broker: cluster, databaseUrl: pg.primaryUrl });
    ingest = await s.app('ingest-api');
    projector = await s.app('projector');
    onPrimary = await s.app('query-api');
    onReplica = await s.app('query-api', { DATABASE_READ_URL: pg.replicaUrl });
    await ingest.start();
    await projector.start();
    await Promise.all([onPrimary.start(), onReplica.start()]);
  }, 240_000);

  afterAll(async () => {
    await s?.close();
    await replicaPool?.end().catch(() => undefined);
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }, 90_000);

  const get = (app: AppProcess, path: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${s.token}` } });

  let published = 0;

  /** Publishes `n` events: the proposal (first call), then UKR's acceptances and rejections of it on later and later days; answers the 202 results. */
  async function publish(n: number): Promise<{ eventId: string; partition: number; offset: string; recordedAt: string }[]> {
    const events = Array.from({ length: n }, () => {
      const i = published++;
      const day = new Date(Date.UTC(2025, 2, 11) + i * 86_400_000).toISOString().slice(0, 10);
      const common = { eventId: randomUUID(), schemaVersion: 1, occurredAt: day, proposalId: PROPOSAL };
      if (i === 0) {
        return {
          ...common,
          type: 'ProposalMade',
          actors: [{ actorId: 'USA' }],
          recipients: [{ actorId: PARTY }],
          data: { proposal: { title: 'A replica truce', kind: 'ceasefire', terms: ['Stop'], durationDays: 30 }, version: 1 },
        };
      }
      return i % 2
        ? { ...common, type: 'ProposalAccepted', actors: [{ actorId: PARTY }], recipients: [{ actorId: 'USA' }], data: { version: 1, proposalKind: 'ceasefire' } }
        : { ...common, type: 'ProposalRejected', actors: [{ actorId: PARTY }], data: { reasons: [`not on day ${i}`] } };
    });
    const res = await fetch(`${ingest.url}/v1/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    const body = (await res.json()) as { results?: { eventId: string; partition: number; offset: string; recordedAt: string }[] };
    if (res.status !== 202) throw new Error(`publish: ${res.status} ${JSON.stringify(body)}`);
    return body.results!;
  }

  /** How many of these events the replica's journal holds as applied. */
  async function appliedOnReplica(results: { eventId: string }[]): Promise<number> {
    const { rows } = await replicaPool.query(`SELECT count(*)::int AS n FROM ledger.journal WHERE event_id = ANY($1::uuid[]) AND disposition = 'applied'`, [
      results.map((r) => r.eventId),
    ]);
    return rows[0].n as number;
  }

  /** Parses `Ledger-Applied-Offsets` (`partition:nextOffset,…`). */
  const applied = (res: Response) =>
    new Map(
      (res.headers.get('ledger-applied-offsets') ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => p.split(':').map(BigInt) as [bigint, bigint]),
    );

  it('says in every answer where it was read and how much of the log it reflects; knownAt answers equal the primary’s; the live stream announces new events', async () => {
    const first = await publish(40);
    await waitCaughtUp(s.pool, s.log, s.group, { timeoutMs: 60_000 });
    const knownAt = new Date(Date.parse(first[first.length - 1].recordedAt) + 1).toISOString();
    await sleep(50);
    // The live stream on the replica: it listens on the primary and reads the feed from the replica.
    const abort = new AbortController();
    const agent = new Agent();
    const stream = new SseReader(await undiciFetch(`${onReplica.url}/v1/stream`, { headers: { authorization: `Bearer ${s.token}` }, signal: abort.signal, dispatcher: agent }));
    const publishedAt = Date.now();
    const later = await publish(40);
    const lastId = later[later.length - 1].eventId;
    const announced = await stream
      .next((m) => m.event === 'applied' && m.data.events.some((e: { eventId: string }) => e.eventId === lastId), 30_000)
      .finally(() => (abort.abort(), void agent.destroy()));
    const streamMs = announced.at - publishedAt;
    await waitCaughtUp(s.pool, s.log, s.group, { timeoutMs: 60_000 });

    // Until the replica holds the last event, its answers' offsets say it does not yet.
    const last = later[later.length - 1];
    const started = Date.now();
    let res: Response;
    for (;;) {
      res = await get(onReplica, `/v1/positions/history?party=${PARTY}&proposal=${PROPOSAL}`);
      expect(res.status).toBe(200);
      if ((applied(res).get(BigInt(last.partition)) ?? 0n) > BigInt(last.offset)) break;
      expect(Date.now() - started).toBeLessThan(30_000);
      await sleep(20);
    }
    const caughtUpMs = Date.now() - started;
    expect(res.headers.get('ledger-read-from')).toBe('replica');
    expect(Number(res.headers.get('ledger-replica-lag'))).toBeGreaterThanOrEqual(0);
    const fromPrimary = await get(onPrimary, `/v1/positions/history?party=${PARTY}&proposal=${PROPOSAL}`);
    // The query API on the primary has no read URL: no position headers.
    expect(fromPrimary.headers.get('ledger-read-from')).toBeNull();
    expect(await res.json()).toEqual(await fromPrimary.json());

    const paths = [
      `/v1/positions/history?party=${PARTY}&proposal=${PROPOSAL}&knownAt=${knownAt}`,
      `/v1/positions?party=${PARTY}&proposal=${PROPOSAL}&asOf=2025-04-30&knownAt=${knownAt}`,
      `/v1/proposals/${PROPOSAL}?asOf=2025-06-30&knownAt=${knownAt}`,
    ];
    let equal = 0;
    for (const path of paths) {
      const [r, p] = await Promise.all([get(onReplica, path), get(onPrimary, path)]);
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      const [fromReplica, fromPrimaryNow] = [await r.json(), await p.json()];
      expect(fromReplica).toEqual(fromPrimaryNow);
      if (JSON.stringify(fromReplica) === JSON.stringify(fromPrimaryNow)) equal++;
    }
    // knownAt before the second batch: only the first batch's steps.
    const { steps } = (await (await get(onReplica, paths[0])).json()) as { steps: unknown[] };
    const { steps: all } = (await (await get(onReplica, `/v1/positions/history?party=${PARTY}&proposal=${PROPOSAL}`)).json()) as { steps: unknown[] };
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.length).toBeLessThan(all.length);

    const onReplicaNow = await appliedOnReplica([...first, ...later]);
    recordFigures({
      scenario: 'read-replica',
      acknowledged: first.length + later.length,
      applied: onReplicaNow,
      duplicated: 0,
      lost: first.length + later.length - onReplicaNow,
      recoverySeconds: null,
      extra: {
        initdbAndStartSeconds: Number((setup.initdbMs / 1000).toFixed(1)),
        pgBasebackupAndStartSeconds: Number((setup.basebackupMs / 1000).toFixed(1)),
        replicaHoldsLastEventAfterProjectorMs: caughtUpMs,
        knownAtAnswersEqualPrimary: `${equal}/${paths.length}`,
        streamOnReplicaAnnouncedLastEventMs: streamMs,
      },
    });
    expect(onReplicaNow).toBe(first.length + later.length);
  }, 120_000);

  it('keeps answering on the replica while the primary restarts, and replays what is written after it', async () => {
    const urls = [`/v1/positions/history?party=${PARTY}&proposal=${PROPOSAL}`, `/v1/proposals/${PROPOSAL}`, '/v1/statements?party=' + PARTY].map((p) => `${onReplica.url}${p}`);
    const readers = s.track(new Readers(urls, s.token, 20)).start();
    const primaryReaders = s.track(new Readers([`${onPrimary.url}/v1/proposals/${PROPOSAL}`], s.token, 100)).start();
    await sleep(1_000);
    const { downAt, upAt } = await pg.restartPrimary(4_000);
    // Writes after the restart reach the replica again once it streams from the new primary process.
    await sleep(500);
    const after = await publish(10);
    await waitCaughtUp(s.pool, s.log, s.group, { timeoutMs: 90_000 });
    const last = after[after.length - 1];
    const deadline = Date.now() + 60_000;
    let res: Response;
    for (;;) {
      res = await get(onReplica, `/v1/proposals/${PROPOSAL}`);
      if ((applied(res).get(BigInt(last.partition)) ?? 0n) > BigInt(last.offset)) break;
      if (Date.now() > deadline) throw new Error(`the replica did not replay the events published after the restart: ${res.headers.get('ledger-applied-offsets')}`);
      await sleep(50);
    }
    const replayedAfterRestartMs = Date.now() - upAt;
    await sleep(500);
    await readers.stop();
    await primaryReaders.stop();

    const during = readers.outcomes.filter((o) => o.doneAt >= downAt && o.doneAt < upAt);
    const primaryDuring = primaryReaders.outcomes.filter((o) => o.doneAt >= downAt && o.doneAt < upAt);
    const lagBytes = await pg.replayLagBytes();
    const replayed = await appliedOnReplica(after);
    recordFigures({
      scenario: 'read-replica-primary-restart',
      acknowledged: after.length,
      applied: replayed,
      duplicated: 0,
      lost: after.length - replayed,
      recoverySeconds: replayedAfterRestartMs / 1000,
      extra: {
        primaryDownSeconds: Number(((upAt - downAt) / 1000).toFixed(1)),
        replicaReadsWhilePrimaryDown: during.length,
        replicaAnswersWhilePrimaryDown: tally(during) || 'none',
        replicaAnswersInAll: tally(readers.outcomes),
        primaryQueryApiAnswersWhileDown: tally(primaryDuring) || 'none',
        replicaReplayedNewEventsAfterRestartSeconds: Number((replayedAfterRestartMs / 1000).toFixed(1)),
        replayLagBytesAtEnd: lagBytes,
      },
    });
    expect(replayed).toBe(after.length);
    expect(during.length).toBeGreaterThan(20);
    expect(readers.outcomes.filter((o) => o.status !== 200)).toEqual([]);
    // The primary's query API could not answer meanwhile: the replica is what kept reads up.
    expect(primaryDuring.some((o) => o.status !== 200)).toBe(true);
  }, 180_000);
});

/** Answers by status (and problem code): `200×512, 503 service.unavailable×3`. */
function tally(outcomes: { status: number; code?: string }[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.code ? `${o.status} ${o.code}` : String(o.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${k}×${v}`).join(', ');
}
