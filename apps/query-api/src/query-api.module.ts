import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStatusModule } from '@ledger/http';
import { AuditController } from './audit/audit.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { ExtentController } from './extent/extent.controller';
import { GetPositionController } from './positions/get-position.controller';
import { GetPositionHandler, GetPositionHistoryHandler } from './positions/get-position.query';
import { ListStatementsController } from './statements/list-statements.controller';
import { ListStatementsHandler } from './statements/list-statements.query';
import { PartiesController } from './parties/parties.controller';
import { GetPartyHandler, ListPartiesHandler } from './parties/parties.query';
import { ProposalsController } from './proposals/proposals.controller';
import { GetProposalHandler, ListProposalsHandler } from './proposals/proposals.query';
import { ListThreatsController } from './threats/list-threats.controller';
import { ListThreatsHandler } from './threats/list-threats.query';
import { ListDyadsController } from './dyads/list-dyads.controller';
import { ListDyadsHandler } from './dyads/list-dyads.query';
import { StreamController } from './stream/stream.controller';
import { LiveStream } from './stream/live-stream';
import { ReadPositionInterceptor } from './shared/read-position.interceptor';

/** HTTP/SSE → SQL on the read models. */
@Module({
  imports: [CqrsModule, EventStatusModule],
  controllers: [
    ListStatementsController,
    GetPositionController,
    DashboardController,
    PartiesController,
    ProposalsController,
    ListThreatsController,
    ListDyadsController,
    StreamController,
    AuditController,
    ExtentController,
  ],
  providers: [
    ListStatementsHandler,
    GetPositionHandler,
    GetPositionHistoryHandler,
    ListPartiesHandler,
    GetPartyHandler,
    ListProposalsHandler,
    GetProposalHandler,
    ListThreatsHandler,
    ListDyadsHandler,
    LiveStream,
    { provide: APP_INTERCEPTOR, useClass: ReadPositionInterceptor },
  ],
})
export class QueryApiModule {}
