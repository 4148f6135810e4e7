import { Controller, Get, Inject, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ID_PATTERN, LedgerError } from '@ledger/contracts';
import { Clock, CLOCK } from '@ledger/config';
import { ApiProblems, ApiQueryParams, parseQuery, RequireScopes } from '@ledger/http';
import { Page } from '@ledger/ledger-store';
import { DYAD_INTERVALS, DyadInterval, DyadView } from '@ledger/read-models';
import { KNOWN_AT } from '../positions/position.schemas';
import { parseKnownAt } from '../shared/known-at';
import { PageParams } from '../shared/params';
import { DYAD_PAGE } from './dyad.schemas';
import { ListDyadsQuery } from './list-dyads.query';

/** The widest range one request may sum, in days (ten years). */
export const MAX_DYAD_RANGE_DAYS = 3660;
const DEFAULT_RANGE_DAYS = 365;
const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ListDyadsParams extends PageParams {
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'from must be a real date' })
  @JSONSchema({ description: 'First day included; default 365 days before `to`.' })
  from?: string;
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'to must be a real date' })
  @JSONSchema({ description: `First day not included; default tomorrow (UTC). At most ${MAX_DYAD_RANGE_DAYS} days after from.` })
  to?: string;
  @IsOptional() @IsIn(DYAD_INTERVALS) @JSONSchema({ description: 'Period length (default day); weeks are ISO weeks, starting Monday.' }) interval?: DyadInterval;
  @IsOptional() @Matches(ID_PATTERN, { message: 'source must be an actor id' }) @JSONSchema({ description: 'Only this acting principal.' }) source?: string;
  @IsOptional() @Matches(ID_PATTERN, { message: 'target must be an actor id' }) @JSONSchema({ description: 'Only this target principal.' }) target?: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

/** GET /v1/dyads?from=&to=&interval=day|week|month&source=&target=&knownAt= */
@ApiTags('dyads')
@Controller('v1/dyads')
export class ListDyadsController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'Directed dyads (count, Goldstein sum and mean, CAMEO quad classes) per day, ISO week or month; knownAt: as recorded by then' })
  @ApiQueryParams(ListDyadsParams)
  @ApiOkResponse({ schema: DYAD_PAGE })
  @ApiProblems(400)
  list(@QueryParams() raw: Record<string, unknown>): Promise<Page<DyadView>> {
    const p = parseQuery(ListDyadsParams, raw);
    const to = p.to ? Date.parse(p.to) : Math.floor(this.clock() / DAY + 1) * DAY;
    const from = p.from ? Date.parse(p.from) : to - DEFAULT_RANGE_DAYS * DAY;
    if (from >= to || to - from > MAX_DYAD_RANGE_DAYS * DAY) {
      const message = `from must be before to, at most ${MAX_DYAD_RANGE_DAYS} days apart`;
      throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', message, {
        errors: [
          { field: 'from', message },
          { field: 'to', message },
        ],
      });
    }
    const knownAt = parseKnownAt(p.knownAt);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return this.queries.execute(
      new ListDyadsQuery({ from: day(from), to: day(to), interval: p.interval ?? 'day', source: p.source, target: p.target, limit: p.limit ?? 1000, cursor: p.cursor }, knownAt),
    );
  }
}
