import { consumedCount } from '@ledger/ledger-store';
import { startLiveLedger } from '../harness/ledger/live-ledger';
import { LoadResult, runLoad } from '../harness/measure/load';
import { answersPerSecond, outcomeCells, profileFile, serverWindow } from '../harness/report/load-report';
import { cpuCells, fmt } from '../harness/report/format';
import { profileTables } from '../harness/report/profile';
import { Figure, Scenario, Table } from '../harness/types';
import { Pair } from '../harness/world/world';

const WRITE_RATE = 1_000;
/** Each query endpoint's fixed rate: a few dashboards' worth, small next to the write load. */
const QUERY_RATE = 100;
const QUERY_CONNECTIONS = 16;
const WRITE_CONNECTIONS = 64;
const TARGET_POSITION_P99_MS = 10;
const TARGET_HISTORY_P99_MS = 25;

/**
 * Issue 4: position queries while the ledger takes 1,000 events/s. Ingest API, projector and query
 * API run as three processes on a seeded ledger; GET /v1/positions and GET /v1/positions/history
 * run at a modest fixed rate each over the seeded (party, proposal) pairs, first with no writes
 * (the baseline), then while 1,000 new events per second are posted and projected.
 */
export const scenario: Scenario = {
  name: 'query.latency',
  title: `position queries while the ledger takes ${fmt(WRITE_RATE)} events/s`,
  order: 50,
  async run(ctx) {
    const warmupSec = ctx.quick ? 2 : 5;
    const measureSec = ctx.quick ? 5 : 20;
    const seed = ctx.quick ? 5_000 : 20_000;
    const live = await startLiveLedger(ctx, 'query', 'projector', seed, seed + WRITE_RATE * (warmupSec + measureSec + 5));
    const pairs = live.world.pairs();
    const rotate = (path: (p: Pair) => string) => {
      let i = 0;
      // A stride through the pairs, so consecutive queries ask about different proposals.
      return () => path(pairs[(i++ * 7919) % pairs.length]);
    };
    const q = (p: Pair) => `party=${encodeURIComponent(p.party)}&proposal=${encodeURIComponent(p.proposalId)}`;
    const watch = () => ({ server: live.query.pid, ...live.watch() });
    const query = (path: () => string, measured: boolean, profile?: string) =>
      runLoad({
        origin: live.query.url,
        path,
        method: 'GET',
        headers: live.read,
        connections: QUERY_CONNECTIONS,
        rate: QUERY_RATE,
        warmupSec,
        measureSec,
        watch: watch(),
        onMeasure: measured ? serverWindow(live.query, profile) : undefined,
      });
    const positions = rotate((p) => `/v1/positions?${q(p)}`);
    const history = rotate((p) => `/v1/positions/history?${q(p)}`);

    ctx.log(`query.latency: queries alone, ${QUERY_RATE}/s each`);
    const [idlePositions, idleHistory] = await Promise.all([query(positions, true), query(history, false)]);
    ctx.log(`query.latency: queries while ${fmt(WRITE_RATE)} events/s are posted`);
    const profile = profileFile(ctx, 'query-latency');
    const [busyPositions, busyHistory, writes] = await Promise.all([
      query(positions, true, profile),
      query(history, false),
      runLoad({
        origin: live.ingest.url,
        path: '/v1/events',
        headers: live.publish,
        body: () => JSON.stringify(live.world.next()),
        connections: WRITE_CONNECTIONS,
        rate: WRITE_RATE,
        warmupSec,
        measureSec,
        watch: watch(),
      }),
    ]);
    const lag = await projectionLag(live, writes);

    const figure = (label: string, busy: LoadResult, idle: LoadResult, target: number): Figure => ({
      label,
      value: busy.latency.p99,
      unit: 'ms',
      better: 'lower',
      baseline: { label: 'the same queries with no writes', value: idle.latency.p99 },
      target,
      note: `${QUERY_RATE} req/s open loop over ${fmt(pairs.length)} seeded (party, proposal) pairs, latency from each request's scheduled start; ${fmt(writes.perSecond(202))} events/s accepted meanwhile`,
    });
    const figures = [
      figure(`p99 GET /v1/positions under ${fmt(WRITE_RATE)} events/s`, busyPositions, idlePositions, TARGET_POSITION_P99_MS),
      figure(`p99 GET /v1/positions/history under ${fmt(WRITE_RATE)} events/s`, busyHistory, idleHistory, TARGET_HISTORY_P99_MS),
    ];
    const rows = [
      row('GET /v1/positions', 'no writes', idlePositions),
      row('GET /v1/positions/history', 'no writes', idleHistory),
      row('GET /v1/positions', `${fmt(WRITE_RATE)} events/s`, busyPositions),
      row('GET /v1/positions/history', `${fmt(WRITE_RATE)} events/s`, busyHistory),
      row('POST /v1/events (the write load)', '–', writes),
    ];
    const tables: Table[] = [{ title: 'Runs (measured windows only; the queries of a row pair ran at the same time)', header: HEADER, rows }];
    if (profile)
      tables.push(
        ...profileTables(profile, `query API under ${fmt(WRITE_RATE)} events/s`).map((t) => ({ ...t, title: t.title.replace('Server CPU profile', 'Query API CPU profile') })),
      );
    const notes = [
      `A fresh database and topic seeded with ${fmt(seed)} events of the bench world (bench/harness/world/world.ts), written straight to the log and projected before the queries start; the write load continues the same world (events about the same parties and proposals the queries ask about). asOf and knownAt are left out: the current stance, from the read models.`,
      `Projection lag when the write load stopped: ${lag}.`,
      '"loop p99/max" and "GC" are the query API\'s own (measured during the GET /v1/positions window). CPU columns: percent of one core (200 % is this whole machine); "loader" is this process; "others" is the rest of the machine (noise).',
    ];
    return { figures, tables, notes };
  },
};

/** Accepted events the projector had not applied yet when the load stopped. */
async function projectionLag(live: Awaited<ReturnType<typeof startLiveLedger>>, writes: LoadResult): Promise<string> {
  const stored = Number(await consumedCount(live.pool, live.group));
  const bounds = await live.pool.query(`SELECT count(*)::bigint AS n FROM ledger.ingest_receipts`);
  const accepted = live.seed.records + Number(bounds.rows[0].n);
  return `${fmt(Math.max(0, accepted - stored))} of ${fmt(accepted)} records (${fmt(writes.perSecond(202))} events/s accepted in the window)`;
}

const HEADER = [
  'endpoint',
  'while',
  'answers/s',
  'non-2xx',
  'errors',
  'p50 ms',
  'p99 ms',
  'max ms',
  'loop p99/max ms',
  'GC ms (longest)',
  'CPU % query',
  'ingest',
  'projector',
  'loader',
  'broker',
  'postgres',
  'others',
  'machine',
  'busiest others',
];

function row(endpoint: string, during: string, r: LoadResult): (string | number)[] {
  return [endpoint, during, answersPerSecond(r), ...outcomeCells(r), ...cpuCells(r.cpu, ['server', 'ingest', 'projector', 'loader', 'broker', 'postgres'], r.topOthers)];
}
