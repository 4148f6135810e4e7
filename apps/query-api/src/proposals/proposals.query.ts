import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { CLOCK, Clock } from '@ledger/config';
import { PG_POOL } from '@ledger/postgres';
import { knownAtOrLive } from '../shared/known-at';
import { Page } from '@ledger/ledger-store';
import { getProposal, listProposals, ProposalDetail, ProposalFilter, ProposalSummary } from '@ledger/read-models';

/** Every proposal, with each party's latest category and score, as recorded by knownAt (null: everything). */
export class ListProposalsQuery extends Query<Page<ProposalSummary>> {
  constructor(
    readonly filter: ProposalFilter,
    readonly knownAt: Date | null = null,
  ) {
    super();
  }
}

@QueryHandler(ListProposalsQuery)
export class ListProposalsHandler implements IQueryHandler<ListProposalsQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ filter, knownAt }: ListProposalsQuery): Promise<Page<ProposalSummary>> {
    return listProposals(this.pool, filter, await knownAtOrLive(this.pool, knownAt));
  }
}

/** One proposal with every party's stance at valid time asOf (null: now), as recorded by knownAt (null: everything); null when unknown. */
export class GetProposalQuery extends Query<ProposalDetail | null> {
  constructor(
    readonly id: string,
    readonly asOf: Date | null,
    readonly knownAt: Date | null = null,
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

  async execute({ id, asOf, knownAt }: GetProposalQuery): Promise<ProposalDetail | null> {
    return getProposal(this.pool, id, asOf ?? new Date(this.clock()), await knownAtOrLive(this.pool, knownAt));
  }
}
