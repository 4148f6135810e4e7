import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetEventStatusController } from './events/get-event-status.controller';
import { GetPositionController } from './positions/get-position.controller';
import { GetPositionHandler, GetPositionHistoryHandler } from './positions/get-position.query';
import { ListStatementsController } from './statements/list-statements.controller';
import { ListStatementsHandler } from './statements/list-statements.query';

/** HTTP/SSE → SQL on the read models. */
@Module({
  imports: [CqrsModule],
  controllers: [ListStatementsController, GetEventStatusController, GetPositionController],
  providers: [ListStatementsHandler, GetPositionHandler, GetPositionHistoryHandler],
})
export class QueryApiModule {}
