import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { CLOCK, Clock } from '@ledger/config';
import { PG_POOL } from '@ledger/postgres';
import { getProposal, listProposals, Page, ProposalDetail, ProposalFilter, ProposalSummary } from '@ledger/read-models';

/** Every proposal, with each party's current category and score. */
export class ListProposalsQuery extends Query<Page<ProposalSummary>> {
  constructor(readonly filter: ProposalFilter) {
    super();
  }
}

@QueryHandler(ListProposalsQuery)
export class ListProposalsHandler implements IQueryHandler<ListProposalsQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  execute({ filter }: ListProposalsQuery): Promise<Page<ProposalSummary>> {
    return listProposals(this.pool, filter);
  }
}

/** One proposal with every party's stance at valid time asOf (null: now); null when unknown. */
export class GetProposalQuery extends Query<ProposalDetail | null> {
  constructor(
    readonly id: string,
    readonly asOf: Date | null,
  ) {
    super();
  }
}

@QueryHandler(GetProposalQuery)
export class GetProposalHandler implements IQueryHandler<GetProposalQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ id, asOf }: GetProposalQuery): Promise<ProposalDetail | null> {
    return getProposal(this.pool, id, asOf ?? new Date(this.clock()));
  }
}
