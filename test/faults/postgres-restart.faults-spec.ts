import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { recordFigures } from './figures';
import { AppProcess, freePort, tail } from './harness/apps';
import { FaultBroker } from './harness/broker';
import { logEnds, OffsetSampler, waitCaughtUp, waitCommitAfter } from './harness/ledger';
import { Load, Readers, sleep } from './harness/load';
import { PostgresServer } from './harness/postgres-server';
import { FaultScenario, postgresReachableTempDir } from './harness/scenario';
import { expectSettled, settle, settledCounts, settledFigures } from './harness/settle';

const RATE = 500;
const DOWN_MS = 4_000;
/** Two fast shutdowns (SIGINT), then one immediate one (SIGQUIT: no checkpoint, crash recovery at start). */
const STOPS: ('fast' | 'immediate')[] = ['fast', 'fast', 'immediate'];
const UNAVAILABLE = ['service.unavailable', 'log.unavailable'];

interface Outage {
  mode: 'fast' | 'immediate';
  downAt: number;
  upAt: number;
  /** From the server accepting connections again to the query API's first 200. */
  firstReadMs: number;
  /** From the server accepting connections to the projector's next committed batch. */
  projectorResumedMs: number;
  /** From the server accepting connections to the projector holding what the log held then. */
  caughtUpMs: number;
}

// Scenario 4: the ledger's PostgreSQL stops and starts again under load, three times, a few
// seconds down each time, with ingest, projector and query API as separate processes. The APIs
// answer 503 problem+json meanwhile (never 500), the ingest API keeps publishing with the tokens
// it verified shortly before, the projector retries its batch without moving its offset, and no
// process dies.
describe('fault: PostgreSQL stops and starts again under load', () => {
  const broker = new FaultBroker();
  const pgRoot = postgresReachableTempDir('ledger-faults-pg-');
  const dataDir = join(pgRoot, 'data');
  let server: PostgresServer;
  let s: FaultScenario;
  let ingest: AppProcess;
  let projector: AppProcess;
  let query: AppProcess;

  beforeAll(async () => {
    server = new PostgresServer(dataDir, await freePort());
    await server.start();
    s = await FaultScenario.open({ name: 'postgres-restart', broker, databaseUrl: server.url });
    ingest = await s.app('ingest-api');
    projector = await s.app('projector');
    query = await s.app('query-api');
    await ingest.start();
    await Promise.all([projector.start(), query.start()]);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
    await server?.stop();
    rmSync(pgRoot, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 (never 500) while it is down, keeps publishing, and recovers without losing or doubling anything', async () => {
    const sampler = s.track(new OffsetSampler(s.pool, s.group, 100)).start();
    const load = s.track(new Load({ url: ingest.url, token: s.token, rate: RATE, concurrency: 16 })).start();
    await sleep(2_000);
    const someId = load.acknowledged()[0];
    const readers = s
      .track(new Readers([`${query.url}/v1/statements?limit=5`, `${query.url}/v1/parties`, `${query.url}/v1/events/${someId}`, `${ingest.url}/v1/catalog`], s.token, 40))
      .start();
    await sleep(3_000);
    const outages: Outage[] = [];

    for (const mode of STOPS) {
      const downAt = Date.now();
      if (mode === 'fast') await server.stop();
      else await server.stopImmediately();
      await sleep(DOWN_MS);
      const restartAt = Date.now();
      await server.start();
      const upAt = Date.now();
      const ends = await logEnds(s.log);
      const resumedAt = await waitCommitAfter(s.pool, s.group, restartAt, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}\nprojector:\n${tail(projector.output(), 40)}`);
      });
      const projectorResumedMs = Math.max(0, resumedAt - upAt);
      const firstRead = await firstOk(readers, query.url, upAt);
      await waitCaughtUp(s.pool, s.log, s.group, { ends, timeoutMs: 90_000 });
      outages.push({ mode, downAt, upAt, firstReadMs: firstRead - upAt, projectorResumedMs, caughtUpMs: Date.now() - upAt });
      await sleep(2_000);
    }
    await readers.stop();
    await load.stop();
    await sampler.stop();
    const alive = { ingest: ingest.alive, projector: projector.alive, query: query.alive };

    const during = (at: number) => outages.some((o) => at >= o.downAt && at < o.upAt);
    const publishesDuringOutages = load.outcomes.filter((o) => during(o.doneAt));
    const readsDuringOutages = readers.outcomes.filter((o) => during(o.doneAt));
    const refusals = [...load.outcomes, ...readers.outcomes].filter((o) => o.status !== 200 && o.status !== 202);
    const badRefusals = refusals.filter((o) => o.status !== 503 || !UNAVAILABLE.includes(o.code ?? '') || !(o.contentType ?? '').startsWith('application/problem+json'));
    const retries = (projector.output().match(/batch failed \(attempt/g) ?? []).length;

    const x = await settle(s, load);
    recordFigures({
      scenario: 'postgres-restart',
      ...settledCounts(x),
      recoverySeconds: Math.max(...outages.map((o) => Math.max(o.caughtUpMs, o.firstReadMs))) / 1000,
      extra: {
        stops: STOPS.join(', '),
        downSeconds: outages.map((o) => ((o.upAt - o.downAt) / 1000).toFixed(1)).join(' / '),
        status202DuringOutages: publishesDuringOutages.filter((o) => o.status === 202).length,
        status503PublishDuringOutages: publishesDuringOutages.filter((o) => o.status === 503).length,
        reads: readers.outcomes.length,
        reads503DuringOutages: readsDuringOutages.filter((o) => o.status === 503).length,
        reads200DuringOutages: readsDuringOutages.filter((o) => o.status === 200).length,
        status500: refusals.filter((o) => o.status === 500).length,
        refusalsOtherThan503Unavailable: badRefusals.length,
        firstReadAfterRestartSeconds: outages.map((o) => (o.firstReadMs / 1000).toFixed(1)).join(' / '),
        projectorResumedSeconds: outages.map((o) => (o.projectorResumedMs / 1000).toFixed(1)).join(' / '),
        projectorCaughtUpSeconds: outages.map((o) => (o.caughtUpMs / 1000).toFixed(1)).join(' / '),
        projectorBatchRetries: retries,
        offsetRegressions: sampler.regressions.length,
        processesAlive: Object.values(alive).every(Boolean) ? 'all 3' : JSON.stringify(alive),
        achievedAckRate: Math.round(load.ratePerSecond(202)),
        ...settledFigures(x),
      },
    });

    expect(alive).toEqual({ ingest: true, projector: true, query: true });
    expect(badRefusals.slice(0, 5)).toEqual([]);
    expect(readsDuringOutages.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(retries).toBeGreaterThan(0); // the projector met the outage, and retried
    expect(sampler.regressions).toEqual([]);
    expectSettled(x);
  }, 600_000);
});

/** When the query API first answered 200 after `since`. */
async function firstOk(readers: Readers, queryUrl: string, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = readers.outcomes.find((o) => o.doneAt >= since && o.status === 200 && o.url.startsWith(queryUrl));
    if (ok) return ok.doneAt;
    if (Date.now() > deadline) throw new Error(`the query API answered no 200 within ${timeoutMs} ms after PostgreSQL was back`);
    await sleep(50);
  }
}
