import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Pool } from 'pg';
import { Observable } from 'rxjs';
import { LedgerConfig, LEDGER_TOPICS } from '@ledger/config';
import { LedgerTopics } from '@ledger/contracts';
import { storedOffsets } from '@ledger/ledger-store';
import { PG_POOL } from '@ledger/postgres';

/** Where an answer was read, and how much of the log it reflects at least (docs/api.md, "Reading from a replica"). */
export interface ReadPosition {
  /** `replica` (a server in recovery: a streaming standby) or `primary`. */
  from: 'replica' | 'primary';
  /** Seconds the replica's replay is behind what it received from the primary (0: replayed all it received; 0 on the primary). */
  lagSeconds: number;
  /** Per partition, the next offset the read models hold: every event at a lower offset is in them. */
  applied: Map<number, string>;
}

/** The read position of the server `pool` reads, right now. */
export async function readPosition(pool: Pool, scope: { group: string; topic: string }): Promise<ReadPosition> {
  const { rows } = await pool.query<{ replica: boolean; lag: string }>(
    `SELECT pg_is_in_recovery() AS replica,
            CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                 ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp())) END AS lag`,
  );
  const applied = await storedOffsets(pool, scope);
  return { from: rows[0].replica ? 'replica' : 'primary', lagSeconds: Number(rows[0].lag), applied };
}

/**
 * With DATABASE_READ_URL set, every answer of the query API says where it was read and how far
 * that server is: `Ledger-Read-From`, `Ledger-Replica-Lag` (seconds) and `Ledger-Applied-Offsets`
 * (`partition:nextOffset,…`). The position is taken before the route's query runs, and a replica
 * only moves forward, so the answer reflects at least those offsets: an event acknowledged at
 * (partition p, offset o) is in it when the header's offset for p is above o.
 */
@Injectable()
export class ReadPositionInterceptor implements NestInterceptor {
  private readonly enabled: boolean;
  private readonly scope: { group: string; topic: string };

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    config: LedgerConfig,
    @Inject(LEDGER_TOPICS) topics: LedgerTopics,
  ) {
    this.enabled = !!config.DATABASE_READ_URL;
    this.scope = { group: config.LEDGER_PROJECTOR_GROUP, topic: topics.events };
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (!this.enabled || context.getType() !== 'http' || context.switchToHttp().getRequest<{ method: string }>().method !== 'GET') return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // Without a position (the server is out of reach) the route's own query answers 503.
    const position = await readPosition(this.pool, this.scope).catch(() => undefined);
    if (position) {
      reply.header('Ledger-Read-From', position.from);
      reply.header('Ledger-Replica-Lag', position.lagSeconds.toFixed(3));
      reply.header(
        'Ledger-Applied-Offsets',
        [...position.applied]
          .sort((a, b) => a[0] - b[0])
          .map(([p, o]) => `${p}:${o}`)
          .join(','),
      );
    }
    return next.handle();
  }
}
