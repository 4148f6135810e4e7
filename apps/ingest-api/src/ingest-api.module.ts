import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RecordEventController } from './events/record-event/record-event.controller';
import { RecordEventHandler } from './events/record-event/record-event.command';
import { Receipts } from './events/shared/receipts';

/** HTTP → validate → command → event → the log. */
@Module({
  imports: [CqrsModule],
  controllers: [RecordEventController],
  providers: [RecordEventHandler, Receipts],
})
export class IngestApiModule {}
