import { LEDGER_TOPIC_PARTITIONS } from '@ledger/contracts';
import { PROJECTOR_TRANSACTION_RECORDS } from '@ledger/config';
import { createPool } from '@ledger/postgres';
import { projectionStages, StageTable, stageTable, stageTotals } from '../harness/measure/stage-cpu';
import { fmt } from '../harness/report/format';
import { Figure, Scenario } from '../harness/types';

const PUBLISHER = 'bench-direct';
/** Events of the large-batch run (BENCH_STAGE_EVENTS to change it); --quick: a quarter. */
const EVENTS = 40_000;
/** The batch size produce-to-visible sees at 1,000 events/s (about 20 records per partition and fetch), and its events. */
const SMALL_BATCH = 20;
const SMALL_EVENTS = 12_000;

/**
 * CPU per event by stage without Kafka or a projector process: the projector's library calls run
 * from this process on a fresh database, one stage after the other (projectionStages, as
 * projection.throughput's own stage table), in the projector's transaction size and in the small
 * batches a projector keeping up with 1,000 events/s applies. Seconds rather than minutes, so a
 * change to the read side can be measured one run after the other (`--no-write`).
 */
export const scenario: Scenario = {
  name: 'projection.stages',
  title: 'CPU per event by stage, large and small batches, no Kafka',
  order: 31,
  async run(ctx) {
    const large = Math.round((Number(process.env.BENCH_STAGE_EVENTS) || EVENTS) / (ctx.quick ? 4 : 1));
    const small = Math.round(SMALL_EVENTS / (ctx.quick ? 4 : 1));
    const runs: { batch: number; events: number; table: StageTable }[] = [];
    for (const [batch, events] of [
      [PROJECTOR_TRANSACTION_RECORDS, large],
      [SMALL_BATCH, small],
    ]) {
      ctx.log(`projection.stages: ${fmt(events)} events in ${fmt(batch)}-record batches`);
      const db = await ctx.freshDatabase('bench_stages');
      const pool = createPool(db.url, { max: 1 });
      try {
        // The world is shaped for projection.throughput's 200,000 events, so both runs see the same first events.
        runs.push({
          batch,
          events,
          table: await projectionStages(pool, { world: { events: 200_000 }, records: events, publisher: PUBLISHER, partitions: LEDGER_TOPIC_PARTITIONS, batchSize: batch }),
        });
      } finally {
        await pool.end();
      }
    }
    const figures: Figure[] = runs.flatMap(({ batch, table }) => {
      const { node, postgres: pg } = stageTotals(table);
      const note = `${fmt(table.events)} events of the bench world, ${fmt(batch)}-record batches of one partition, one transaction each`;
      return [
        { label: `Node CPU per event, ${fmt(batch)}-record batches`, value: (1e6 * node) / table.events, unit: 'µs', better: 'lower' as const, note },
        { label: `PostgreSQL CPU per event, ${fmt(batch)}-record batches`, value: (1e6 * pg) / table.events, unit: 'µs', better: 'lower' as const, note },
      ];
    });
    return {
      figures,
      tables: runs.map(({ batch, table }) => stageTable(`CPU per event by stage, ${fmt(table.events)} events in ${fmt(batch)}-record batches of one partition`, table)),
      notes: [
        "The projector's library calls (JSON.parse, validateEnvelope, canonicalEnvelope and chainHash, appliedContent, insertJournal, ReadModels.apply) run from this process on a fresh database per run, one stage after the other for each batch; Node µs from process.cpuUsage() around each stage (V8's own threads, the garbage collector's among them, included), PostgreSQL µs from the CPU of the one backend that ran the transactions (/proc/<pg_backend_pid()>/schedstat). No Kafka and no projector process: the figures of projection.throughput without its minutes.",
        `Batches of ${fmt(SMALL_BATCH)} records are what a projector keeping up with 1,000 events/s applies (about 20 records per partition and fetch, projection.latency's runs table): there each statement's fixed cost (round trip, parsing and planning, COPY's set-up, the commit's flush) weighs on every event.`,
      ],
    };
  },
};
