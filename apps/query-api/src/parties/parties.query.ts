import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { CLOCK, Clock } from '@ledger/config';
import { PG_POOL } from '@ledger/postgres';
import { knownAtOrLive } from '../shared/known-at';
import { Page } from '@ledger/ledger-store';
import { getParty, listParties, PartyDetail, PartyFilter, PartyView } from '@ledger/read-models';

/** Registered actors and unregistered position holders, by id. */
export class ListPartiesQuery extends Query<Page<PartyView>> {
  constructor(
    readonly filter: PartyFilter,
    readonly knownAt: Date | null = null,
  ) {
    super();
  }
}

@QueryHandler(ListPartiesQuery)
export class ListPartiesHandler implements IQueryHandler<ListPartiesQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ filter, knownAt }: ListPartiesQuery): Promise<Page<PartyView>> {
    return listParties(this.pool, filter, await knownAtOrLive(this.pool, knownAt));
  }
}

/** One party with its affiliations and its current positions, as recorded by knownAt (null: everything); null when unknown. */
export class GetPartyQuery extends Query<PartyDetail | null> {
  constructor(
    readonly id: string,
    readonly knownAt: Date | null = null,
  ) {
    super();
  }
}

@QueryHandler(GetPartyQuery)
export class GetPartyHandler implements IQueryHandler<GetPartyQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id, knownAt }: GetPartyQuery): Promise<PartyDetail | null> {
    return getParty(this.pool, id, new Date(this.clock()), await knownAtOrLive(this.pool, knownAt));
  }
}
