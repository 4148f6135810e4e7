import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { PG_POOL } from '@ledger/postgres';
import { positionAt, positionHistory, PositionView, StepView } from '@ledger/read-models';

/** A party's position on a proposal at valid time asOf, as known at record time knownAt (null: now). */
export class GetPositionQuery extends Query<PositionView> {
  constructor(
    readonly party: string,
    readonly proposalId: string,
    readonly asOf: Date,
    readonly knownAt: Date | null,
  ) {
    super();
  }
}

@QueryHandler(GetPositionQuery)
export class GetPositionHandler implements IQueryHandler<GetPositionQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute(q: GetPositionQuery): Promise<PositionView> {
    return positionAt(this.pool, q.party, q.proposalId, q.asOf, q.knownAt);
  }
}

/** The step series of a party's position on a proposal, as known at knownAt (null: now). */
export class GetPositionHistoryQuery extends Query<StepView[]> {
  constructor(
    readonly party: string,
    readonly proposalId: string,
    readonly knownAt: Date | null,
  ) {
    super();
  }
}

@QueryHandler(GetPositionHistoryQuery)
export class GetPositionHistoryHandler implements IQueryHandler<GetPositionHistoryQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute(q: GetPositionHistoryQuery): Promise<StepView[]> {
    return positionHistory(this.pool, q.party, q.proposalId, q.knownAt);
  }
}
