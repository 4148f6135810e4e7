import { LEDGER_TOPIC_PARTITIONS } from '@ledger/contracts';
import { createPool } from '@ledger/postgres';
import { journalCopy, journalCopyNote } from '../harness/baselines/journal-copy';
import { infraWatch } from '../harness/ledger/projector-run';
import { cpuCells, fmt } from '../harness/report/format';
import { Scenario } from '../harness/types';

const PUBLISHER = 'bench-direct';
/** The size (BENCH_JOURNAL_COPY_ROWS to change it); --quick: 100,000. */
const ROWS = 1_000_000;
const QUICK_ROWS = 100_000;

/**
 * Issue 12's floor on its own: a COPY of N journal rows alone, one per event of the bench world,
 * into a fresh table with the journal's columns and its three indexes. The projection and replay
 * scenarios measure it again at their own sizes (once per size and run) for their ratios.
 */
export const scenario: Scenario = {
  name: 'journal.copy',
  title: 'baseline: COPY of the journal rows alone, one per event',
  order: 25,
  async run(ctx) {
    const records = ctx.quick ? QUICK_ROWS : Number(process.env.BENCH_JOURNAL_COPY_ROWS) || ROWS;
    const db = await ctx.freshDatabase('bench_journal_copy');
    const pool = createPool(db.url, { max: 2 });
    ctx.defer(() => pool.end());
    const watch = infraWatch(await ctx.brokers());
    const copy = await journalCopy(pool, { world: { events: records }, records, publisher: PUBLISHER, partitions: LEDGER_TOPIC_PARTITIONS, dir: ctx.runDir, watch, log: ctx.log });
    return {
      figures: [
        {
          label: `journal COPY rows/s (${fmt(records)} rows)`,
          value: copy.perSecond,
          unit: 'rows/s',
          better: 'higher',
          note: `the floor of storing each event once; PostgreSQL backend ${copy.postgresMicrosPerRow.toFixed(1)} µs CPU per row`,
        },
      ],
      tables: [
        {
          title: 'Run',
          header: ['rows', 'MB', 'seconds', 'rows/s', 'CPU % bench', 'broker', 'postgres', 'others', 'machine', 'busiest others'],
          rows: [[fmt(copy.rows), fmt(copy.bytes / 1e6), fmt(copy.seconds), fmt(copy.perSecond), ...cpuCells(copy.cpu, ['bench', 'broker', 'postgres'], copy.topOthers)]],
        },
      ],
      notes: [journalCopyNote(copy)],
    };
  },
};
