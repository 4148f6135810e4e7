import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetCatalogController } from './catalog/get-catalog.controller';
import { PublishEventsHandler } from './events/publish/publish-events.command';
import { RecordBatchController } from './events/publish/record-batch.controller';
import { RecordEventController } from './events/publish/record-event.controller';
import { Receipts } from '@ledger/ledger-store';

/** HTTP → validate → command → event → the log. */
@Module({
  imports: [CqrsModule],
  controllers: [RecordEventController, RecordBatchController, GetCatalogController],
  providers: [PublishEventsHandler, Receipts],
})
export class IngestApiModule {}
