import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { knownAtOrLive } from '../shared/known-at';
import { Page } from '@ledger/ledger-store';
import { listStatements, StatementFilter, StatementView } from '@ledger/read-models';

/** Who said what, filtered, newest first; as recorded by knownAt (null: everything recorded). */
export class ListStatementsQuery extends Query<Page<StatementView>> {
  constructor(
    readonly filter: StatementFilter,
    readonly knownAt: Date | null = null,
  ) {
    super();
  }
}

@QueryHandler(ListStatementsQuery)
export class ListStatementsHandler implements IQueryHandler<ListStatementsQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ filter, knownAt }: ListStatementsQuery): Promise<Page<StatementView>> {
    return listStatements(this.pool, filter, await knownAtOrLive(this.pool, knownAt));
  }
}
