import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBodies, recordSizes } from '../harness/world/bodies';
import { eventWorkCeiling, EventWorkResult } from '../harness/baselines/event-work';
import { startIngestApp } from '../harness/ledger/ingest-app';
import { INGEST_STAGES } from '../harness/report/ingest-stages';
import { producerPerformance, ProducerPerfResult } from '../harness/baselines/kafka-tools';
import { LoadResult } from '../harness/measure/load';
import { CPU_NOTE, LOAD_HEADER } from '../harness/report/load-report';
import { cpuCells, fmt } from '../harness/report/format';
import { profileTables } from '../harness/report/profile';
import { BenchContext, Figure, Scenario, Watched } from '../harness/types';
import { sweepLevels } from '../harness/ledger/sweep';

const TARGET_EVENTS_PER_SEC = 50_000;
const EVENTS_PER_REQUEST = 100;
/** What our producer does (libs/log KafkaEventLog, PRODUCER_OPTIONS): acks from all replicas, not idempotent, one request in flight. */
const OUR_PRODUCER = { acks: 'all', 'enable.idempotence': 'false', 'max.in.flight.requests.per.connection': '1' };

/**
 * Figure 2: 100-event batches. Closed-loop runs at a few concurrency levels find the best rate of
 * acknowledged events; the baseline is Kafka's own ProducerPerformance against the same broker, on
 * a fresh topic like ours, with the same record values and our producer's settings (and, for
 * reference, with its defaults). The no-op endpoint with the same 100-event body shows what HTTP
 * and JSON parsing alone allow.
 */
export const scenario: Scenario = {
  name: 'ingest.batch',
  title: `POST /v1/events/batch, ${EVENTS_PER_REQUEST} new events per request`,
  order: 20,
  async run(ctx) {
    const app = await startIngestApp(ctx, 'batch');
    const bodies = new EventBodies();
    const levels = ctx.connections ?? (ctx.quick ? [8] : [2, 8, 32]);
    const body = () => bodies.batch(EVENTS_PER_REQUEST);
    const { rows, best, bestNoop } = await sweepLevels(ctx, app, {
      name: 'ingest.batch',
      levels,
      path: '/v1/events/batch',
      body,
      events: EVENTS_PER_REQUEST,
      noopLabel: 'no-op (same body)',
    });
    // The server is idle from here on: stop it, so the Kafka tool has the machine to itself.
    await app.server.stop();
    ctx.log('ingest.batch: per-event work alone on every core');
    const work = await eventWorkCeiling({ warmupSec: ctx.warmupSec, measureSec: ctx.measureSec, publisher: app.publisher });
    const sizes = recordSizes(app.publisher);
    const broker = app.watch().broker;
    const ours = await kafkaBaseline(ctx, app.brokers, broker, sizes.sample, OUR_PRODUCER, 'ours');
    const defaults = await kafkaBaseline(ctx, app.brokers, broker, sizes.sample, {}, 'defaults');

    const events = best.ingest.perSecond(202) * EVENTS_PER_REQUEST;
    const how = `${best.ingest.connections} requests in flight, closed loop, ${ctx.measureSec} s after ${ctx.warmupSec} s warm-up`;
    const figures = batchFigures(events, how, ours, defaults, bestNoop, work);
    const kafkaRows = [perfRow('our producer settings', OUR_PRODUCER, ours), perfRow('Java client defaults', {}, defaults)];
    const tables = [
      { title: 'HTTP runs (measured windows only; events/s = 202s/s × 100)', header: LOAD_HEADER, rows },
      {
        title: `ProducerPerformance (kafka-tools), ${sizes.value}-byte values from real envelopes, fresh topic, unthrottled`,
        header: ['producer settings', 'records/s', 'avg latency ms', 'CPU % tool', 'broker', 'others', 'machine', 'busiest others'],
        rows: kafkaRows,
      },
    ];
    if (best.profile) tables.push(...profileTables(best.profile, `POST /v1/events/batch at ${best.ingest.connections} in flight`, INGEST_STAGES));
    const notes = [
      CPU_NOTE,
      `Our records carry a ${sizes.key}-byte key and ${sizes.headers} bytes of CloudEvents headers besides the ${sizes.value}-byte value; ProducerPerformance sends the same values without key or headers (so its sticky partitioner fills one partition's batch at a time).`,
      `ProducerPerformance reports every 5 s: the first interval is warm-up, the next ${ctx.quick ? 1 : 3} are measured, then it is stopped.`,
    ];
    return { figures, tables, notes };
  },
};

function batchFigures(events: number, how: string, ours: ProducerPerfResult, defaults: ProducerPerfResult, noop: LoadResult, work: EventWorkResult): Figure[] {
  const figure = (label: string, note: string, baseline: Figure['baseline'], target?: number): Figure => ({
    label,
    value: events,
    unit: 'events/s',
    better: 'higher',
    note,
    baseline,
    target,
  });
  return [
    figure('acknowledged events/s (best level)', how, { label: 'ProducerPerformance, our producer settings', value: ours.recordsPerSec }, TARGET_EVENTS_PER_SEC),
    figure('the same, against Kafka defaults', 'ProducerPerformance with the Java client defaults (linger, 5 in flight)', {
      label: 'ProducerPerformance, client defaults',
      value: defaults.recordsPerSec,
    }),
    figure('the same, against the HTTP floor', 'no-op endpoint, same 100-event body', {
      label: `no-op endpoint (best, ${noop.connections} in flight)`,
      value: noop.perSecond(202) * EVENTS_PER_REQUEST,
    }),
    figure(
      'the same, against our per-event work alone',
      `${work.threads} worker threads (every core) doing only prepareEnvelope (the compiled validator), one canonical serialisation (content hash and log value) and encodeEventWith on the same events for ${work.seconds} s: no HTTP, no duplicate lookup, no Kafka. No server running this code acknowledges more on this machine`,
      { label: `per-event work on ${work.threads} threads`, value: work.perSecond },
    ),
  ];
}

async function kafkaBaseline(
  ctx: BenchContext,
  brokers: string[],
  broker: Watched[string],
  sample: string[],
  props: Record<string, string>,
  name: string,
): Promise<ProducerPerfResult> {
  const topics = await ctx.freshTopics(`bench-perf-${name}`);
  const payloadFile = join(ctx.runDir, 'payloads.txt');
  writeFileSync(payloadFile, sample.join('\n') + '\n');
  ctx.log(`ingest.batch: ProducerPerformance (${name}) on ${topics.events}`);
  return producerPerformance({ brokers, topic: topics.events, payloadFile, producerProps: props, warmupIntervals: 1, measureIntervals: ctx.quick ? 1 : 3, watch: { broker } });
}

function perfRow(label: string, props: Record<string, string>, r: ProducerPerfResult): (string | number)[] {
  const settings = Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [settings ? `${label} (${settings})` : label, fmt(r.recordsPerSec), fmt(r.avgLatencyMs), ...cpuCells(r.cpu, ['tool', 'broker'], r.topOthers)];
}
