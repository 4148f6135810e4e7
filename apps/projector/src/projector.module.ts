import { Module } from '@nestjs/common';
import { BatchApplier } from './projection/batch-applier';
import { CheckpointSigner } from './projection/checkpoint-signer';
import { ProjectorService } from './projection/projector.service';

/** Kafka → fold → Postgres read models, offsets in the same transaction. */
@Module({
  providers: [BatchApplier, CheckpointSigner, ProjectorService],
  exports: [BatchApplier, ProjectorService],
})
export class ProjectorModule {}
