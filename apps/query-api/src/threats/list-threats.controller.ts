import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ID_PATTERN } from '@ledger/contracts';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { Page } from '@ledger/ledger-store';
import { THREAT_STATUSES, ThreatStatus, ThreatView } from '@ledger/read-models';
import { AS_OF, KNOWN_AT } from '../positions/position.schemas';
import { parseInstant } from '../positions/time-params';
import { parseKnownAt } from '../shared/known-at';
import { PageParams } from '../shared/params';
import { THREAT_PAGE } from './threat.schemas';
import { ListThreatsQuery } from './list-threats.query';

export class ListThreatsParams extends PageParams {
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'party must be an actor id' })
  @JSONSchema({ description: 'The threatening party or one of its targets.' })
  party?: string;
  @IsOptional() @IsIn(THREAT_STATUSES) @JSONSchema({ description: 'Only threats with this status at asOf.' }) status?: ThreatStatus;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(AS_OF) asOf?: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

/** GET /v1/threats?party=&status=&asOf=&knownAt= — the threat tracker as it stood at asOf, as recorded by knownAt. */
@ApiTags('threats')
@Controller('v1/threats')
export class ListThreatsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Sanction threats made by asOf, newest first, with their status at asOf; knownAt: as recorded by then' })
  @ApiQueryParams(ListThreatsParams)
  @ApiOkResponse({ schema: THREAT_PAGE })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>): Promise<Page<ThreatView>> {
    const p = parseQuery(ListThreatsParams, raw);
    const asOf = parseInstant('asOf', p.asOf);
    return this.queries.execute(new ListThreatsQuery({ party: p.party, status: p.status, asOf, limit: p.limit ?? 100, cursor: p.cursor }, parseKnownAt(p.knownAt)));
  }
}
