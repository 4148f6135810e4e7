import { Controller, Get, Inject, Query as QueryParams } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Pool } from 'pg';
import { ApiProblems, ApiQueryParams, CurrentPrincipal, parseQuery, REJECTED_RECORD, RequireScopes } from '@ledger/http';
import { listRejections, Page, Principal, RejectedRecord } from '@ledger/ledger-store';
import { PG_POOL } from '@ledger/postgres';

export class ListRejectionsParams {
  @IsOptional() @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value)) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}

/** GET /v1/rejections?limit=&cursor=: the calling publisher's records the projector refused, newest first. */
@ApiTags('events')
@Controller('v1/rejections')
export class ListRejectionsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  @RequireScopes('publish')
  @ApiOperation({ summary: "Your records the projector refused (id conflicts, invalid envelopes…), newest first; by the token's publisher id" })
  @ApiQueryParams(ListRejectionsParams)
  @ApiOkResponse({ schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: REJECTED_RECORD }, nextCursor: { type: 'string' } } } })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<Page<RejectedRecord>> {
    const p = parseQuery(ListRejectionsParams, raw);
    return listRejections(this.pool, principal.publisher, { cursor: p.cursor, limit: p.limit ?? 100 });
  }
}
