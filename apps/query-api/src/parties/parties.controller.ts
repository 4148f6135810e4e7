import { Controller, Get, Param, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ACTOR_KINDS, LedgerError } from '@ledger/contracts';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { Page } from '@ledger/ledger-store';
import { PartyDetail, PartyView } from '@ledger/read-models';
import { KNOWN_AT } from '../positions/position.schemas';
import { parseKnownAt } from '../shared/known-at';
import { PageParams, parsePathId } from '../shared/params';
import { PARTY_DETAIL_SCHEMAS } from './party.schemas';
import { GetPartyQuery, ListPartiesQuery } from './parties.query';

export class ListPartiesParams extends PageParams {
  @IsOptional() @IsIn([...ACTOR_KINDS, 'unknown']) @JSONSchema({ description: 'Only parties of this kind.' }) kind?: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

export class GetPartyParams {
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

/**
 * GET /v1/parties?kind=&knownAt= — registered actors plus the principals that hold positions without
 * being registered. GET /v1/parties/{id}?knownAt= — one of them with its affiliations and positions.
 * knownAt (record time): as the ledger had recorded it by then.
 */
@ApiTags('parties')
@Controller('v1/parties')
export class PartiesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Parties: registered actors and unregistered position holders, by id; knownAt: as recorded by then' })
  @ApiQueryParams(ListPartiesParams)
  @ApiOkResponse({ schema: PARTY_DETAIL_SCHEMAS.PartyPage })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>): Promise<Page<PartyView>> {
    const p = parseQuery(ListPartiesParams, raw);
    return this.queries.execute(new ListPartiesQuery({ kind: p.kind, limit: p.limit ?? 100, cursor: p.cursor }, parseKnownAt(p.knownAt)));
  }

  @Get(':id')
  @RequireScopes('read')
  @ApiOperation({ summary: 'One party with its affiliations and its stance on every proposal, as recorded by knownAt' })
  @ApiParam({ name: 'id', description: 'Actor id (USA, peskov…)', schema: { type: 'string', examples: ['USA'] } })
  @ApiQueryParams(GetPartyParams)
  @ApiOkResponse({ schema: PARTY_DETAIL_SCHEMAS.PartyDetail })
  @ApiProblems(400, 404)
  async get(@Param('id') id: string, @QueryParams() raw: Record<string, unknown>): Promise<PartyDetail> {
    const p = parseQuery(GetPartyParams, raw);
    const party = await this.queries.execute(new GetPartyQuery(parsePathId('id', id), parseKnownAt(p.knownAt)));
    if (!party) throw new LedgerError(404, 'party.not_found', 'Unknown party', `No actor ${id} is registered and none holds a position.`);
    return party;
  }
}
