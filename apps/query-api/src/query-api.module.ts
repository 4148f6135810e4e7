import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetEventStatusController } from './events/get-event-status.controller';
import { ListStatementsController } from './statements/list-statements.controller';
import { ListStatementsHandler } from './statements/list-statements.query';

/** HTTP/SSE → SQL on the read models. */
@Module({
  imports: [CqrsModule],
  controllers: [ListStatementsController, GetEventStatusController],
  providers: [ListStatementsHandler],
})
export class QueryApiModule {}
