import { Controller, Get, Param, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ACTOR_KINDS, LedgerError } from '@ledger/contracts';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { Page, PartyDetail, PartyView } from '@ledger/read-models';
import { PageParams, parsePathId, refuseQueryParams } from '../shared/params';
import { PARTY_DETAIL_SCHEMAS } from './party.schemas';
import { GetPartyQuery, ListPartiesQuery } from './parties.query';

export class ListPartiesParams extends PageParams {
  @IsOptional() @IsIn([...ACTOR_KINDS, 'unknown']) @JSONSchema({ description: 'Only parties of this kind.' }) kind?: string;
}

/**
 * GET /v1/parties?kind= — registered actors plus the principals that hold positions without
 * being registered. GET /v1/parties/{id} — one of them with its affiliations and positions.
 */
@ApiTags('parties')
@Controller('v1/parties')
export class PartiesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Parties: registered actors and unregistered position holders, by id' })
  @ApiQueryParams(ListPartiesParams)
  @ApiOkResponse({ schema: PARTY_DETAIL_SCHEMAS.PartyPage })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>): Promise<Page<PartyView>> {
    const p = parseQuery(ListPartiesParams, raw);
    return this.queries.execute(new ListPartiesQuery({ kind: p.kind, limit: p.limit ?? 100, cursor: p.cursor }));
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One party with its affiliations and its stance on every proposal' })
  @ApiParam({ name: 'id', description: 'Actor id (USA, peskov…)', schema: { type: 'string', examples: ['USA'] } })
  @ApiOkResponse({ schema: PARTY_DETAIL_SCHEMAS.PartyDetail })
  @ApiProblems(400, 404)
  async get(@Param('id') id: string, @QueryParams() raw: Record<string, unknown>): Promise<PartyDetail> {
    refuseQueryParams(raw);
    const party = await this.queries.execute(new GetPartyQuery(parsePathId('id', id)));
    if (!party) throw new LedgerError(404, 'party.not_found', 'Unknown party', `No actor ${id} is registered and none holds a position.`);
    return party;
  }
}
