import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ID_PATTERN } from '@ledger/contracts';
import { ApiProblems, ApiQueryParams, nullable, parseQuery, RequireScopes } from '@ledger/http';
import { PositionView, StepView } from '@ledger/read-models';
import { GetPositionHistoryQuery, GetPositionQuery } from './get-position.query';
import { AS_OF, KNOWN_AT, POSITION_VIEW_SCHEMAS } from './position.schemas';
import { parseKnownAt } from '../shared/known-at';
import { parseInstant } from './time-params';

export class PositionParams {
  @Matches(ID_PATTERN, { message: 'party must be an actor id (USA, RUS…)' }) party: string;
  @Matches(ID_PATTERN, { message: 'proposal must be a proposal id' }) proposal: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(AS_OF) asOf?: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

export class HistoryParams {
  @Matches(ID_PATTERN, { message: 'party must be an actor id (USA, RUS…)' }) party: string;
  @Matches(ID_PATTERN, { message: 'proposal must be a proposal id' }) proposal: string;
  @IsOptional() @IsString() @MaxLength(40) @JSONSchema(KNOWN_AT) knownAt?: string;
}

const HISTORY = {
  type: 'object',
  required: ['party', 'proposalId', 'knownAt', 'steps'],
  properties: {
    party: { type: 'string' },
    proposalId: { type: 'string' },
    knownAt: nullable({ type: 'string', format: 'date-time' }),
    steps: { type: 'array', items: POSITION_VIEW_SCHEMAS.Step },
  },
};

/**
 * GET /v1/positions?party=&proposal=&asOf=&knownAt= — bitemporal: asOf is valid time (what had
 * happened by then), knownAt is record time (what the ledger had been told by then).
 * GET /v1/positions/history?party=&proposal=&knownAt= — the step series.
 */
@ApiTags('positions')
@Controller('v1/positions')
export class GetPositionController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "A party's position on a proposal, bitemporal (asOf: valid time, knownAt: record time)" })
  @ApiQueryParams(PositionParams)
  @ApiOkResponse({ schema: POSITION_VIEW_SCHEMAS.Position })
  @ApiProblems(400)
  get(@QueryParams() raw: Record<string, unknown>): Promise<PositionView> {
    const p = parseQuery(PositionParams, raw);
    const asOf = parseInstant('asOf', p.asOf) ?? new Date();
    return this.queries.execute(new GetPositionQuery(p.party, p.proposal, asOf, parseKnownAt(p.knownAt)));
  }

  @Get('history')
  @RequireScopes('read')
  @ApiOperation({ summary: "The step series of a party's position on a proposal, as known at knownAt" })
  @ApiQueryParams(HistoryParams)
  @ApiOkResponse({ schema: HISTORY })
  @ApiProblems(400)
  async history(@QueryParams() raw: Record<string, unknown>): Promise<{ party: string; proposalId: string; knownAt: string | null; steps: StepView[] }> {
    const p = parseQuery(HistoryParams, raw);
    const knownAt = parseKnownAt(p.knownAt);
    const steps = await this.queries.execute(new GetPositionHistoryQuery(p.party, p.proposal, knownAt));
    return { party: p.party, proposalId: p.proposal, knownAt: knownAt?.toISOString() ?? null, steps };
  }
}
