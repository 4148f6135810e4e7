import { LEDGER_TOPIC_PARTITIONS } from '@ledger/contracts';
import { EventBodies, SUBJECTS } from '../harness/world/bodies';
import { startIngestApp } from '../harness/ledger/ingest-app';
import { INGEST_STAGES } from '../harness/report/ingest-stages';
import { LoadResult, runLoad } from '../harness/measure/load';
import { CPU_NOTE, loadRow, LOAD_HEADER, serverWindow } from '../harness/report/load-report';
import { fmt } from '../harness/report/format';
import { profileTables } from '../harness/report/profile';
import { Figure, Scenario } from '../harness/types';
import { sweepLevels } from '../harness/ledger/sweep';

/** The targets on this 2-core machine. */
const TARGET_EVENTS_PER_SEC = 6_000;
const TARGET_P99_MS = 50;
/** Connections of the open-loop runs: more than the requests a healthy server has in flight at these rates. */
const PACED_CONNECTIONS = 128;

/**
 * Figure 1: single events. Closed-loop runs at a few concurrency levels find the best sustained
 * rate of 202s (each one acknowledged by Kafka with acks=all); open-loop runs at half the target
 * rate, and at half of what was sustained, give the p99 latency. The baseline of each is the no-op
 * endpoint of the same app with the same body and the same load generator.
 */
export const scenario: Scenario = {
  name: 'ingest.single',
  title: 'POST /v1/events, one new event per request',
  order: 10,
  async run(ctx) {
    const app = await startIngestApp(ctx, 'single');
    const bodies = new EventBodies();
    const body = () => bodies.event();
    const levels = ctx.connections ?? (ctx.quick ? [64] : [16, 64, 256]);
    const { rows, best, bestNoop } = await sweepLevels(ctx, app, { name: 'ingest.single', levels, path: '/v1/events', body, events: 1, noopLabel: 'no-op' });
    const paced = async (rate: number) => {
      ctx.log(`ingest.single: open loop at ${rate} req/s`);
      const base = { origin: app.server.url, headers: app.headers, body, connections: PACED_CONNECTIONS, rate, warmupSec: ctx.warmupSec, measureSec: ctx.measureSec };
      const noop = await runLoad({ ...base, path: '/bench/noop', watch: app.watch(), onMeasure: serverWindow(app.server) });
      const ingest = await runLoad({ ...base, path: '/v1/events', watch: app.watch(), onMeasure: serverWindow(app.server) });
      rows.push(loadRow('no-op', noop), loadRow('POST /v1/events', ingest));
      return { noop, ingest };
    };
    const atTarget = await paced(TARGET_EVENTS_PER_SEC / 2);
    const atHalfBest = await paced(Math.max(100, Math.round(best.ingest.perSecond(202) / 200) * 100));

    const figures: Figure[] = [
      {
        label: 'acknowledged events/s (best level)',
        value: best.ingest.perSecond(202),
        unit: 'events/s',
        better: 'higher',
        baseline: { label: `no-op endpoint (best, ${bestNoop.connections} in flight)`, value: bestNoop.perSecond(202) },
        target: TARGET_EVENTS_PER_SEC,
        note: `${best.ingest.connections} in flight, closed loop, ${ctx.measureSec} s after ${ctx.warmupSec} s warm-up`,
      },
      latencyFigure(`p99 latency at ${fmt(TARGET_EVENTS_PER_SEC / 2)} req/s`, atTarget, TARGET_P99_MS),
      latencyFigure(`p99 latency at half the best rate (${fmt(atHalfBest.ingest.rate!)} req/s)`, atHalfBest),
    ];
    const tables = [{ title: 'Runs (measured windows only)', header: LOAD_HEADER, rows }];
    if (best.profile) tables.push(...profileTables(best.profile, `POST /v1/events at ${best.ingest.connections} in flight`, INGEST_STAGES));
    const spread = `Events spread over ${SUBJECTS} subjects (Kafka keys) on a fresh ${LEDGER_TOPIC_PARTITIONS}-partition topic; every request carries a new eventId.`;
    return { figures, tables, notes: [CPU_NOTE, spread] };
  },
};

function latencyFigure(label: string, run: { noop: LoadResult; ingest: LoadResult }, target?: number): Figure {
  return {
    label,
    value: run.ingest.latency.p99,
    unit: 'ms',
    better: 'lower',
    baseline: { label: 'no-op endpoint at the same rate', value: run.noop.latency.p99 },
    target,
    note: `open loop, ${PACED_CONNECTIONS} connections, latency from each request's scheduled start; ${fmt(run.ingest.perSecond(202))} 202s/s answered`,
  };
}
