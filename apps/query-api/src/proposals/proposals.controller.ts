import { Controller, Get, Param, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { LedgerError } from '@ledger/contracts';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { Page } from '@ledger/ledger-store';
import { ProposalDetail, ProposalSummary } from '@ledger/read-models';
import { AS_OF, KNOWN_AT } from '../positions/position.schemas';
import { parseInstant } from '../positions/time-params';
import { parseKnownAt } from '../shared/known-at';
import { PageParams, parsePathId } from '../shared/params';
import { PROPOSAL_DETAIL_SCHEMAS } from './proposal.schemas';
import { GetProposalQuery, ListProposalsQuery } from './proposals.query';

export class ListProposalsParams extends PageParams {
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

export class GetProposalParams {
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(AS_OF) asOf?: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

/**
 * GET /v1/proposals?knownAt= — every proposal with each party's latest category and score.
 * GET /v1/proposals/{id}?asOf=&knownAt= — one proposal with every party's full stance at asOf.
 * knownAt (record time): as the ledger had recorded it by then.
 */
@ApiTags('proposals')
@Controller('v1/proposals')
export class ProposalsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "Proposals, by id, with each party's latest category and score; knownAt: as recorded by then" })
  @ApiQueryParams(ListProposalsParams)
  @ApiOkResponse({ schema: PROPOSAL_DETAIL_SCHEMAS.ProposalPage })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>): Promise<Page<ProposalSummary>> {
    const p = parseQuery(ListProposalsParams, raw);
    return this.queries.execute(new ListProposalsQuery({ limit: p.limit ?? 100, cursor: p.cursor }, parseKnownAt(p.knownAt)));
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: "One proposal with its terms, versions and every party's stance (conditions, basis) at asOf, as recorded by knownAt" })
  @ApiParam({ name: 'id', description: 'Proposal id', schema: { type: 'string', examples: ['us-30-day-ceasefire-2025'] } })
  @ApiQueryParams(GetProposalParams)
  @ApiOkResponse({ schema: PROPOSAL_DETAIL_SCHEMAS.Proposal })
  @ApiProblems(400, 404)
  async get(@Param('id') id: string, @QueryParams() raw: Record<string, unknown>): Promise<ProposalDetail> {
    const p = parseQuery(GetProposalParams, raw);
    const proposal = await this.queries.execute(new GetProposalQuery(parsePathId('id', id), parseInstant('asOf', p.asOf), parseKnownAt(p.knownAt)));
    if (!proposal) throw new LedgerError(404, 'proposal.not_found', 'Unknown proposal', `No proposal ${id} was made and no party holds a position on it.`);
    return proposal;
  }
}
