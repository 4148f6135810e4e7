import 'reflect-metadata';
import { runApp } from '@ledger/ops';
import { QueryApiModule } from './query-api.module';

void runApp({ name: 'query-api', features: [QueryApiModule], defaults: { PORT: 3002 }, usesLog: false, readReplica: true });
