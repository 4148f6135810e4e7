import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@ledger/config';
import { createHttpApp, LedgerInfraModule, rootModule } from '@ledger/ops';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { BatchApplier } from '../../apps/projector/src/projection/batch-applier';
import { ProjectorService } from '../../apps/projector/src/projection/projector.service';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { QueryApiModule } from '../../apps/query-api/src/query-api.module';
import type { BenchApp, BenchServerArg, ServerReply, ServerRequest, WindowStats } from '../harness/types';
import { CommitOnlyProjector, CommitOnlyProjectorModule } from './commit-only-projector';
import { NoopModule } from './noop.controller';
import { MeasuredWindow } from './window';

const FEATURES: Record<BenchApp, (Type | DynamicModule)[]> = {
  ingest: [IngestApiModule, NoopModule],
  projector: [ProjectorModule],
  query: [QueryApiModule],
  'commit-only': [CommitOnlyProjectorModule],
};

/**
 * An app as the bench measures it, on the shared infrastructure. Started by the bench runner with
 * fork() from the built dist; the runner's fresh topics arrive as argv[2] (the database, brokers
 * and projector group come as DATABASE_URL, KAFKA_BROKERS and LEDGER_PROJECTOR_GROUP). It answers
 * on the IPC channel: ready with its URL, what it saw during each measured window (event-loop
 * delay, GC pauses, batch sizes of a projector, a CPU profile when asked), stop.
 */
async function main(): Promise<void> {
  const { topics, apps = ['ingest'] } = JSON.parse(process.argv[2] ?? '{}') as BenchServerArg;
  const config = loadConfig(process.env, { PORT: 0, HOST: '127.0.0.1' });
  const infra = LedgerInfraModule.forRoot({ config, topics });
  const app = await createHttpApp(
    rootModule(
      infra,
      apps.flatMap((a) => FEATURES[a]),
    ),
    config,
  );
  const window = new MeasuredWindow();
  watchProjectors(app, apps, window);
  await app.listen(config.PORT, config.HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const reply = (message: ServerReply) => process.send?.(message);
  process.on('message', (message: ServerRequest) => {
    void (async () => {
      let stats: WindowStats | undefined;
      if (message.kind === 'window-start') await window.start(message.profile);
      if (message.kind === 'window-end') stats = await window.end(message.profileFile);
      if (message.kind === 'stop') {
        await app.close();
        reply({ kind: 'stopped' });
        process.exit(0);
      }
      reply({ kind: 'done', request: message.kind, stats });
    })().catch((e: Error) => reply({ kind: 'failed', error: e.stack ?? e.message }));
  });
  // Without the runner (it died) the server must not linger.
  process.on('disconnect', () => process.exit(0));
  reply({ kind: 'ready', url, pid: process.pid });
}

/**
 * Batch sizes go into the measured window, and each batch is reported to the runner as it is applied;
 * a projector that stops for good ends the process, as apps/projector does.
 */
function watchProjectors(app: NestFastifyApplication, apps: BenchApp[], window: MeasuredWindow): void {
  const applied = (records: number) => {
    window.countBatch(records);
    process.send?.({ kind: 'batch', records } satisfies ServerReply);
  };
  if (apps.includes('projector')) {
    app.get(BatchApplier).onApplied((b) => applied(b.applied.length + b.duplicates + b.rejected.length));
    app.get(ProjectorService).onFatal((error) => {
      process.stderr.write(`bench server: projector stopped: ${error.message}\n`);
      process.exit(2);
    });
  }
  if (apps.includes('commit-only')) app.get(CommitOnlyProjector).onBatch(applied);
}

main().catch((e: Error) => {
  process.stderr.write(`bench server: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
