import 'reflect-metadata';
import { runApp } from '@ledger/ops';
import { IngestApiModule } from './ingest-api.module';

void runApp({ name: 'ingest-api', features: [IngestApiModule], defaults: { PORT: 3001 } });
