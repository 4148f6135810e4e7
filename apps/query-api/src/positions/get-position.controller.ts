import { Controller, Get, Query as QueryParams } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ID_PATTERN } from '@ledger/contracts';
import { parseQuery, RequireScopes } from '@ledger/platform';
import { PositionView, StepView } from '@ledger/read-models';
import { GetPositionHistoryQuery, GetPositionQuery } from './get-position.query';
import { parseInstant } from './time-params';

export class PositionParams {
  @Matches(ID_PATTERN, { message: 'party must be an actor id (USA, RUS…)' }) party: string;
  @Matches(ID_PATTERN, { message: 'proposal must be a proposal id' }) proposal: string;
  @IsOptional() @IsString() @MaxLength(40) asOf?: string;
  @IsOptional() @IsString() @MaxLength(40) knownAt?: string;
}

export class HistoryParams {
  @Matches(ID_PATTERN, { message: 'party must be an actor id (USA, RUS…)' }) party: string;
  @Matches(ID_PATTERN, { message: 'proposal must be a proposal id' }) proposal: string;
  @IsOptional() @IsString() @MaxLength(40) knownAt?: string;
}

/**
 * GET /v1/positions?party=&proposal=&asOf=&knownAt= — bitemporal: asOf is valid time (what had
 * happened by then), knownAt is record time (what the ledger had been told by then).
 * GET /v1/positions/history?party=&proposal=&knownAt= — the step series.
 */
@Controller('v1/positions')
export class GetPositionController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScopes('read')
  get(@QueryParams() raw: Record<string, unknown>): Promise<PositionView> {
    const p = parseQuery(PositionParams, raw);
    const asOf = parseInstant('asOf', p.asOf) ?? new Date();
    return this.queries.execute(new GetPositionQuery(p.party, p.proposal, asOf, parseInstant('knownAt', p.knownAt)));
  }

  @Get('history')
  @RequireScopes('read')
  async history(@QueryParams() raw: Record<string, unknown>): Promise<{ party: string; proposalId: string; knownAt: string | null; steps: StepView[] }> {
    const p = parseQuery(HistoryParams, raw);
    const knownAt = parseInstant('knownAt', p.knownAt);
    const steps = await this.queries.execute(new GetPositionHistoryQuery(p.party, p.proposal, knownAt));
    return { party: p.party, proposalId: p.proposal, knownAt: knownAt?.toISOString() ?? null, steps };
  }
}
