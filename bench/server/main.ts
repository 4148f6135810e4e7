import 'reflect-metadata';
import { LedgerTopics } from '@ledger/contracts';
import { createHttpApp, LedgerInfraModule, loadConfig, rootModule } from '@ledger/platform';
import { IngestApiModule } from '../../apps/ingest-api/src/ingest-api.module';
import { NoopModule } from './noop.controller';
import { ServerReply, ServerRequest, WindowStats } from './protocol';
import { MeasuredWindow } from './window';

/**
 * The ingest app as the bench measures it: IngestApiModule on the shared infrastructure, plus the
 * no-op baseline endpoint. Started by the bench runner with fork() from the built dist; the
 * runner's fresh topics arrive as argv[2] (the database and brokers come as DATABASE_URL and
 * KAFKA_BROKERS). It answers on the IPC channel: ready with its URL, what it saw during each
 * measured window (event-loop delay, GC pauses, a CPU profile when asked), stop.
 */
async function main(): Promise<void> {
  const { topics } = JSON.parse(process.argv[2] ?? '{}') as { topics: LedgerTopics };
  const config = loadConfig(process.env, { PORT: 0, HOST: '127.0.0.1' });
  const infra = LedgerInfraModule.forRoot({ config, topics });
  const app = await createHttpApp(rootModule(infra, [IngestApiModule, NoopModule]), config);
  await app.listen(config.PORT, config.HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const window = new MeasuredWindow();

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

main().catch((e: Error) => {
  process.stderr.write(`bench server: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
