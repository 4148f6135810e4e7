import { AppliedStream } from '../harness/measure/applied-stream';
import { endToEndLatency, EndToEndLatencyResult } from '../harness/baselines/kafka-tools';
import { Latencies } from '../harness/measure/latency';
import { startLiveLedger } from '../harness/ledger/live-ledger';
import { runLoad } from '../harness/measure/load';
import { profileFile } from '../harness/report/load-report';
import { PROJECTION_STAGES } from '../harness/report/projection-stages';
import { sleep } from '../harness/ledger/projector-run';
import { cpuCells, fmt } from '../harness/report/format';
import { profileTables, sqlTable } from '../harness/report/profile';
import { BenchContext, CpuUse, Figure, LatencySummary, Scenario, Table, WindowStats } from '../harness/types';

const RATE = 1_000;
const TARGET_P99_MS = 50;
/** Connections of the open loop: far more than a healthy ingest API has in flight at this rate. */
const CONNECTIONS = 64;
/** How long after the load the stream may still bring the window's events (a lagging projector catches up). */
const DRAIN_MS = 60_000;

/** What one run at 1,000 events/s saw. */
export interface LiveRun {
  mode: 'projector' | 'commit-only';
  /** Events sent in the measured window; of those, accepted (202), and visible on the stream. */
  sent: number;
  accepted: number;
  visible: number;
  /** From the record time (the broker's append, the 202's recordedAt) to the stream's `applied`. */
  fromRecord: LatencySummary;
  /** From sending the request to the stream's `applied`. */
  fromRequest: LatencySummary;
  /** The ingest answers' own latency (from each request's scheduled start). */
  answer: LatencySummary;
  /** Notices the projector cut (event ids left out; offsets still tell), and reconnects of the stream's listener. */
  truncated: number;
  reconnects: number;
  projector: WindowStats;
  cpu: CpuUse;
  topOthers: string[];
  profile?: string;
}

/**
 * Issue 4: produce-to-visible latency at 1,000 events/s. The ingest API, the projector and the
 * query API run as three processes; this process posts 1,000 new events per second (open loop,
 * realistic events about the seeded parties and proposals) and listens on GET /v1/stream, where
 * each applied batch announces its event ids. Baseline: the same path with a projector that only
 * stores offsets and announces the batches (commit-only), and Kafka's own EndToEndLatency.
 */
export const scenario: Scenario = {
  name: 'projection.latency',
  title: `produce-to-visible latency at ${fmt(RATE)} events/s (ingest → Kafka → projector → GET /v1/stream)`,
  order: 40,
  async run(ctx) {
    const baseline = await liveRun(ctx, 'commit-only');
    const ours = await liveRun(ctx, 'projector');
    const kafka = await kafkaAlone(ctx, ours.valueBytes);
    const figures: Figure[] = [
      {
        label: `p99 produce-to-visible at ${fmt(RATE)} events/s`,
        value: ours.run.fromRecord.p99,
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'the same path, projector only committing offsets', value: baseline.run.fromRecord.p99 },
        target: TARGET_P99_MS,
        note: `record time (the 202's recordedAt, the broker's append) → the \`applied\` event on GET /v1/stream; ${fmt(ours.run.visible)} of ${fmt(ours.run.sent)} events sent in ${ours.measureSec} s`,
      },
      {
        label: 'the same, against Kafka alone',
        value: ours.run.fromRecord.p99,
        unit: 'ms',
        better: 'lower',
        baseline: { label: `EndToEndLatency, ${fmt(kafka.messages)} records of ${fmt(ours.valueBytes)} bytes one at a time, acks=all`, value: kafka.p99Ms },
        note: "Kafka's produce → consume on the same broker, no ledger",
      },
      {
        label: 'p99 request-to-visible',
        value: ours.run.fromRequest.p99,
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'the same path, projector only committing offsets', value: baseline.run.fromRequest.p99 },
        note: 'from sending POST /v1/events to the `applied` event: what a publisher watching the stream waits',
      },
    ];
    const tables: Table[] = [
      {
        title: `Runs (measured windows only; ${fmt(RATE)} POST /v1/events per second, open loop, ${CONNECTIONS} connections)`,
        header: HEADER,
        rows: [row(baseline.run), row(ours.run)],
      },
    ];
    if (ours.run.profile)
      tables.push(
        ...profileTables(ours.run.profile, `projector at ${fmt(RATE)} events/s`, PROJECTION_STAGES).map((t) => ({
          ...t,
          title: t.title.replace('Server CPU profile', 'Projector CPU profile'),
        })),
      );
    if (ours.run.projector.sql) tables.push(sqlTable(ours.run.projector.sql, ours.measureSec, `Projector at ${fmt(RATE)} events/s`));
    const notes = [
      `Each run: a fresh database and topic seeded with ${fmt(ours.seed)} events of the bench world (bench/harness/world/world.ts) written straight to the log and projected first; then ${ours.warmupSec} s of warm-up and ${ours.measureSec} s measured at ${fmt(RATE)} new events per second, continuing the same world (statements, acceptances, conditions, threats… about the seeded parties and proposals). Only events sent in the measured window count; the stream may bring them up to ${DRAIN_MS / 1000} s after the load stops; an accepted event still not visible then counts with the time waited (a lower bound), so a projector that falls behind shows it.`,
      `An event is visible when an \`applied\` notice of its partition passes its offset (both from its 202). "notices cut": the projector left event ids out of that many notices to fit PostgreSQL's 8,000-byte limit (the stream then says \`resync\`); the offsets still tell. Latencies are between this process's clock and the broker's (LogAppendTime, in ms), both this machine's. "p50/p99/max" columns: record time → visible; request → visible; the ingest API's own 202 latency from each request's scheduled start.`,
      'CPU columns: percent of one core over the measured window (200 % is this whole machine); "loader" is this process (load generator and stream reader); "others" is the rest of the machine (noise).',
    ];
    return { figures, tables, notes };
  },
};

/** One run: a fresh live ledger, the stream open, 1,000 events/s; latencies of the measured window. */
async function liveRun(ctx: BenchContext, mode: 'projector' | 'commit-only'): Promise<{ run: LiveRun; seed: number; valueBytes: number; warmupSec: number; measureSec: number }> {
  const warmupSec = ctx.quick ? 2 : 5;
  const measureSec = ctx.quick ? 5 : 20;
  const seed = ctx.quick ? 5_000 : 20_000;
  const live = await startLiveLedger(ctx, `latency-${mode}`, mode, seed, seed + RATE * (warmupSec + measureSec + 5));
  const stream = await AppliedStream.open(live.query.url, live.readToken);
  const sentAt = new Map<string, number>();
  const records = new Map<string, { at: number; partition: number; offset: number }>();
  let window = { from: Infinity, to: Infinity };
  const profile = mode === 'projector' ? profileFile(ctx, 'projection-latency') : undefined;
  ctx.log(`projection.latency: ${mode}, ${fmt(RATE)} events/s for ${warmupSec} + ${measureSec} s`);
  const load = await runLoad({
    origin: live.ingest.url,
    path: '/v1/events',
    headers: live.publish,
    body: () => {
      const body = live.world.next();
      sentAt.set(body.eventId, Date.now());
      return JSON.stringify(body);
    },
    onAnswer: (status, body) => {
      if (status !== 202) return;
      const answer = JSON.parse(body.toString('utf8')) as { eventId: string; recordedAt?: string; partition?: number; offset?: string };
      if (answer.recordedAt && answer.partition !== undefined)
        records.set(answer.eventId, { at: Date.parse(answer.recordedAt), partition: answer.partition, offset: Number(answer.offset) });
    },
    connections: CONNECTIONS,
    rate: RATE,
    warmupSec,
    measureSec,
    watch: { ...live.watch() },
    onMeasure: {
      start: async () => {
        window.from = Date.now();
        await live.projector.windowStart(profile !== undefined);
      },
      end: async () => {
        window = { ...window, to: Date.now() };
        return live.projector.windowEnd(profile);
      },
    },
  });
  const measured = [...sentAt].filter(([, at]) => at >= window.from && at < window.to).map(([id]) => id);
  const seenAt = (id: string) => {
    const r = records.get(id);
    return r && stream.visibleAt(r.partition, r.offset);
  };
  const deadline = Date.now() + DRAIN_MS;
  while (Date.now() < deadline && measured.some((id) => records.has(id) && seenAt(id) === undefined)) await sleep(100);
  await stream.close();
  const fromRecord = new Latencies();
  const fromRequest = new Latencies();
  let accepted = 0;
  let visible = 0;
  const gaveUp = Date.now();
  for (const id of measured) {
    const record = records.get(id);
    if (!record) continue;
    accepted++;
    // An event never seen counts with the time it was waited for: a lower bound, never left out.
    const seen = seenAt(id);
    if (seen !== undefined) visible++;
    fromRequest.add((seen ?? gaveUp) - sentAt.get(id)!);
    fromRecord.add((seen ?? gaveUp) - record.at);
  }
  // The servers of this run are idle from here on: stop them, so the next run has the machine.
  for (const server of [live.ingest, live.query, live.projector]) await server.stop();
  const run: LiveRun = {
    mode,
    sent: measured.length,
    accepted,
    visible,
    fromRecord: fromRecord.summary(),
    fromRequest: fromRequest.summary(),
    answer: load.latency,
    truncated: stream.truncated,
    reconnects: stream.reconnects,
    projector: load.server!,
    cpu: load.cpu,
    topOthers: load.topOthers,
    profile,
  };
  return { run, seed, valueBytes: Math.round(live.seed.valueBytes), warmupSec, measureSec };
}

/** Kafka's own produce → consume latency on the same broker, records of the same size, on a one-partition topic. */
async function kafkaAlone(ctx: BenchContext, sizeBytes: number): Promise<EndToEndLatencyResult> {
  const topics = await ctx.freshTopics('bench-e2e', 1);
  ctx.log('projection.latency: EndToEndLatency');
  return endToEndLatency({ brokers: await ctx.brokers(), topic: topics.events, messages: ctx.quick ? 500 : 2_000, sizeBytes });
}

const HEADER = [
  'projector',
  'sent',
  '202s',
  'visible',
  'record → visible p50 / p99 / max ms',
  'request → visible p50 / p99 / max ms',
  '202 p50 / p99 ms',
  'batches (median size)',
  'projector loop p99/max ms',
  'CPU % ingest',
  'projector',
  'query',
  'loader',
  'broker',
  'postgres',
  'others',
  'machine',
  'busiest others',
];

function row(r: LiveRun): (string | number)[] {
  const l = (s: LatencySummary) => `${fmt(s.p50)} / ${fmt(s.p99)} / ${fmt(s.max)}`;
  const b = r.projector.batches;
  return [
    r.mode === 'projector' ? 'projector' : 'commit-only (baseline)',
    fmt(r.sent),
    fmt(r.accepted),
    [fmt(r.visible), r.truncated ? `${r.truncated} notices cut` : '', r.reconnects ? `${r.reconnects} listener reconnects` : ''].filter(Boolean).join('; '),
    l(r.fromRecord),
    l(r.fromRequest),
    `${fmt(r.answer.p50)} / ${fmt(r.answer.p99)}`,
    b ? `${fmt(b.count)} (${fmt(b.p50)})` : '–',
    `${fmt(r.projector.loopP99)} / ${fmt(r.projector.loopMax)}`,
    ...cpuCells(r.cpu, ['ingest', 'projector', 'query', 'loader', 'broker', 'postgres'], r.topOthers),
  ];
}
