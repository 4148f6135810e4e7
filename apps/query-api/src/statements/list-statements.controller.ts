import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ID_PATTERN } from '@ledger/contracts';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { Page } from '@ledger/ledger-store';
import { StatementView } from '@ledger/read-models';
import { JSONSchema } from 'class-validator-jsonschema';
import { KNOWN_AT } from '../positions/position.schemas';
import { parseKnownAt } from '../shared/known-at';
import { ListStatementsQuery } from './list-statements.query';
import { STATEMENT_PAGE } from './statement.schemas';

/** What PostgreSQL reads as a timestamp: a date, or a date and time with a zone (ISO 8601 also allows weeks, bare years…). */
const DATE_OR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export class ListStatementsParams {
  @IsOptional() @Matches(ID_PATTERN, { message: 'party must be an actor id' }) party?: string;
  @IsOptional() @Matches(ID_PATTERN, { message: 'proposal must be a proposal id' }) proposal?: string;
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional()
  @Matches(DATE_OR_TIMESTAMP, { message: 'from must be an ISO 8601 date or timestamp' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or timestamp' })
  from?: string;
  @IsOptional()
  @Matches(DATE_OR_TIMESTAMP, { message: 'to must be an ISO 8601 date or timestamp' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or timestamp' })
  to?: string;
  @IsOptional() @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value)) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

/** GET /v1/statements?party=&proposal=&q=&from=&to=&knownAt=&limit=&cursor= */
@ApiTags('statements')
@Controller('v1/statements')
export class ListStatementsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Statements, newest first by valid time; q is full-text (web search syntax); from inclusive, to exclusive; knownAt: as recorded by then' })
  @ApiQueryParams(ListStatementsParams)
  @ApiOkResponse({ schema: STATEMENT_PAGE })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>): Promise<Page<StatementView>> {
    const p = parseQuery(ListStatementsParams, raw);
    const { knownAt, ...filter } = p;
    return this.queries.execute(new ListStatementsQuery({ ...filter, limit: p.limit ?? 50 }, parseKnownAt(knownAt)));
  }
}
