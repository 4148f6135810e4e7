import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GetCatalogController } from './catalog/get-catalog.controller';
import { PublishEventsHandler } from './events/publish/publish-events.command';
import { RecordBatchController } from './events/publish/record-batch.controller';
import { RecordEventController } from './events/publish/record-event.controller';
import { EventStatusModule } from '@ledger/http';
import { Receipts } from '@ledger/ledger-store';
import { ListRejectionsController } from './events/rejections/list-rejections.controller';

/** HTTP → validate → command → event → the log; and what became of a publisher's events. */
@Module({
  imports: [CqrsModule, EventStatusModule],
  controllers: [RecordEventController, RecordBatchController, GetCatalogController, ListRejectionsController],
  providers: [PublishEventsHandler, Receipts],
})
export class IngestApiModule {}
