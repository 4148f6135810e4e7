import { INSTANT_FORMS, parseInstant } from '@ledger/contracts';
import { Command, CommandRunner, Option } from 'nest-commander';
import { BuildProgress, frozenSchemaName, ReplayProgress, ReplayResult, replayAndSwitch, replayFrozen, ReplayScope } from '@ledger/audit';
import { CliDatabase } from '../cli-database';
import { CliOutput } from '../cli-output';
import { Progress } from '../progress';

interface ReplayOptions {
  toOffset?: Map<number, string> | string;
  knownAt?: Date;
  schema?: string;
  replace?: boolean;
}

/**
 * `ledger replay`: rebuilds every read model from offset 0 into a new schema while the live ones
 * keep serving, then switches over atomically. `--to-offset` / `--known-at` instead build a frozen
 * copy as of a past moment in its own schema and leave the live models alone.
 */
@Command({ name: 'replay', description: 'Rebuild the read models from the journal (live switch), or a frozen copy as of a past moment' })
export class ReplayCommand extends CommandRunner {
  constructor(
    private readonly db: CliDatabase,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: ReplayOptions): Promise<void> {
    const pool = await this.db.pool();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ledger.journal WHERE disposition = 'applied'`);
    const progress = new Progress('replay', rows[0].n, undefined, ' events folded');
    const stage: Record<BuildProgress['phase'], (p: BuildProgress) => string> = {
      read: (p) => `reading corrections, retractions, registry facts and threats (${p.done})`,
      fold: () => "folding the log, writing each event's rows",
      write: (p) => `${p.done} rows of state written (${p.item ?? 'starting'})`,
      index: (p) => `building indexes (${p.done}${p.item ? `: ${p.item}` : ''})`,
    };
    const report: ReplayProgress = (p) => progress.report(p.events, stage[p.phase](p));
    let result: ReplayResult;
    let finished = false;
    try {
      if (options.toOffset === undefined && !options.knownAt) {
        result = await replayAndSwitch(pool, report);
      } else {
        const scope: ReplayScope = { knownAt: options.knownAt, toOffsets: await offsets(pool, options.toOffset) };
        const schema = options.schema ?? frozenSchemaName(options);
        result = await replayFrozen(pool, schema, scope, { replace: options.replace, onProgress: report });
      }
      finished = true;
    } finally {
      progress.done(finished);
    }
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    this.out.result(
      result,
      result.switched
        ? `replayed ${result.events} events in ${result.seconds.toFixed(1)} s (${rate}/s) and switched the live read models over`
        : `replayed ${result.events} events in ${result.seconds.toFixed(1)} s into schema ${result.schema} (frozen; the live read models are untouched)\n` +
            `query it with SQL, e.g.  SELECT * FROM "${result.schema}".party_positions_v1;`,
    );
  }

  @Option({ flags: '--to-offset <offsets>', description: 'only records before these offsets: N (every partition) or p:N,p:N' })
  parseToOffset(value: string): Map<number, string> | string {
    if (/^\d+$/.test(value)) return value;
    const pairs = value.split(',').map((p) => p.split(':'));
    if (!pairs.every((p) => p.length === 2 && /^\d+$/.test(p[0]) && /^\d+$/.test(p[1]))) throw new Error('--to-offset takes N or partition:offset[,partition:offset…]');
    return new Map(pairs.map(([p, o]) => [Number(p), o]));
  }

  @Option({ flags: '--known-at <time>', description: `only what the ledger had recorded by then: ${INSTANT_FORMS}` })
  parseKnownAt(value: string): Date {
    return parseInstant('--known-at', value);
  }

  @Option({
    flags: '--schema <name>',
    description: 'schema of the frozen copy (default read_model_at_<moment to the ms> or read_model_at_offset_…); only a new schema or one a replay made',
  })
  parseSchema(value: string): string {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new Error('--schema must be a lower-case SQL identifier');
    return value;
  }

  @Option({ flags: '--replace', description: 'rebuild the frozen copy when that schema already holds one (never a schema replay did not create)' })
  parseReplace(): boolean {
    return true;
  }
}

/** `--to-offset N` means offset N in every partition the journal has. */
async function offsets(pool: import('pg').Pool, given: Map<number, string> | string | undefined): Promise<Map<number, string> | undefined> {
  if (given === undefined || given instanceof Map) return given;
  const { rows } = await pool.query(`SELECT DISTINCT partition FROM ledger.journal`);
  return new Map(rows.map((r) => [r.partition as number, given]));
}
