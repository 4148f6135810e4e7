import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { runApp } from '@ledger/ops';
import { ProjectorModule } from './projector.module';
import { ProjectorService } from './projection/projector.service';

void runApp({ name: 'projector', features: [ProjectorModule], defaults: { PORT: 3003 } }).then((app) => {
  app.get(ProjectorService).onFatal(async (error) => {
    new Logger('projector').error(`stopping: ${error.message}`);
    await app.close();
    process.exit(2);
  });
});
