import { Pool } from 'pg';
import { READ_MODEL_LOCK } from '@ledger/read-models';
import { sleep } from './load';

/** The application_name prefix a projector process is given (PGAPPNAME) so that the sampler can tell processes apart. */
export const WRITER_APP = 'parallel-projector-';

/**
 * Samples pg_locks every few milliseconds: how many sessions, and how many projector processes
 * (each connects with its own application_name), hold the read models' lock shared at one moment.
 */
export class WriterSampler {
  samples = 0;
  twoProcesses = 0;
  max = 0;
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly pool: Pool) {}

  start(): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const { rows } = await this.pool.query(
          `SELECT count(DISTINCT l.pid)::int AS sessions, count(DISTINCT a.application_name)::int AS processes
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = $1::bigint::oid AND l.objsubid = 2 AND l.granted AND l.mode = 'ShareLock'
              AND a.application_name LIKE $2`,
          [READ_MODEL_LOCK, `${WRITER_APP}%`],
        );
        this.samples++;
        this.max = Math.max(this.max, rows[0].sessions);
        if (rows[0].processes >= 2) this.twoProcesses++;
        await sleep(5);
      }
    })();
    return this;
  }

  snapshot(): { samples: number; twoProcesses: number } {
    return { samples: this.samples, twoProcesses: this.twoProcesses };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
