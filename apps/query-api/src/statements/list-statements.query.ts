import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { listStatements, Page, StatementFilter, StatementView } from '@ledger/read-models';

/** Who said what, filtered, newest first. */
export class ListStatementsQuery extends Query<Page<StatementView>> {
  constructor(readonly filter: StatementFilter) {
    super();
  }
}

@QueryHandler(ListStatementsQuery)
export class ListStatementsHandler implements IQueryHandler<ListStatementsQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ filter }: ListStatementsQuery): Promise<Page<StatementView>> {
    return listStatements(this.pool, filter);
  }
}
