import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { CLOCK, Clock } from '@ledger/config';
import { PG_POOL } from '@ledger/postgres';
import { knownAtOrLive } from '../shared/known-at';
import { Page } from '@ledger/ledger-store';
import { listThreats, ThreatFilter, ThreatView } from '@ledger/read-models';

/** Sanction threats made by asOf (null: now), newest first, with their status at asOf, as recorded by knownAt (null: everything). */
export class ListThreatsQuery extends Query<Page<ThreatView>> {
  constructor(
    readonly filter: Omit<ThreatFilter, 'asOf'> & { asOf: Date | null },
    readonly knownAt: Date | null = null,
  ) {
    super();
  }
}

@QueryHandler(ListThreatsQuery)
export class ListThreatsHandler implements IQueryHandler<ListThreatsQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ filter, knownAt }: ListThreatsQuery): Promise<Page<ThreatView>> {
    return listThreats(this.pool, { ...filter, asOf: filter.asOf ?? new Date(this.clock()) }, await knownAtOrLive(this.pool, knownAt));
  }
}
