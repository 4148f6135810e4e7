import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { knownAtOrLive } from '../shared/known-at';
import { Page } from '@ledger/ledger-store';
import { DyadFilter, DyadView, listDyads } from '@ledger/read-models';

/** Directed dyads summed per day, ISO week or month over a range of days, as recorded by knownAt (null: everything). */
export class ListDyadsQuery extends Query<Page<DyadView>> {
  constructor(
    readonly filter: DyadFilter,
    readonly knownAt: Date | null = null,
  ) {
    super();
  }
}

@QueryHandler(ListDyadsQuery)
export class ListDyadsHandler implements IQueryHandler<ListDyadsQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ filter, knownAt }: ListDyadsQuery): Promise<Page<DyadView>> {
    return listDyads(this.pool, filter, await knownAtOrLive(this.pool, knownAt));
  }
}
