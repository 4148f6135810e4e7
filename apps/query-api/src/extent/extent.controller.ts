import { Controller, Get, Inject, Query as QueryParams } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Pool } from 'pg';
import { ApiProblems, ApiQueryParams, apiSchemas, nullable, parseQuery, RequireScopes } from '@ledger/http';
import { PG_POOL } from '@ledger/postgres';
import { LedgerExtent, ledgerExtent } from '@ledger/read-models';
import { KNOWN_AT } from '../positions/position.schemas';
import { parseKnownAt } from '../shared/known-at';

export class ExtentParams {
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

const instant = (description: string) => nullable({ type: 'string', format: 'date-time', description, examples: ['2025-03-14T00:00:00.000Z'] });

const EXTENT = apiSchemas({
  Extent: {
    type: 'object',
    required: ['knownAt', 'firstOccurredAt', 'lastOccurredAt'],
    properties: {
      knownAt: nullable({ type: 'string', format: 'date-time' }),
      firstOccurredAt: instant('The earliest valid time (its first instant) of a fact in force; null in an empty ledger.'),
      lastOccurredAt: instant('The latest valid time (its first instant) of a fact in force; null in an empty ledger.'),
    },
  },
}).Extent;

/**
 * GET /v1/extent?knownAt= — the span of valid time the facts cover. A dashboard opens "as of" the
 * newest fact's date when that lies well in the past (a historical data set), rather than showing
 * an empty today.
 */
@ApiTags('extent')
@Controller('v1/extent')
export class ExtentController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'The earliest and latest valid time of the facts in force; knownAt: as recorded by then' })
  @ApiQueryParams(ExtentParams)
  @ApiOkResponse({ schema: EXTENT })
  @ApiProblems(400)
  async get(@QueryParams() raw: Record<string, unknown>): Promise<LedgerExtent & { knownAt: string | null }> {
    const knownAt = parseKnownAt(parseQuery(ExtentParams, raw).knownAt);
    return { knownAt: knownAt?.toISOString() ?? null, ...(await ledgerExtent(this.pool, knownAt)) };
  }
}
