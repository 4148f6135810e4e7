import { Command, CommandRunner } from 'nest-commander';
import { EventLog, EmbeddedEventLog } from '@ledger/log';
import { LedgerConfig } from '@ledger/config';
import { TokenStore } from '@ledger/ledger-store';
import { closeOnSignals, createHttpApp, createKafkaLog, LedgerInfraModule, openDatabase, produceBatching, removeRuntime, rootModule, writeRuntime } from '@ledger/ops';
import { IngestApiModule } from '../../../ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../../../projector/src/projector.module';
import { QueryApiModule } from '../../../query-api/src/query-api.module';
import { CliOutput } from '../cli-output';
import { ensureLocalTokens } from './local-tokens';
import { loadSamplesOnce } from './samples';

/**
 * `ledger start`: the whole ledger in one process on one port — ingest, projector and query —
 * on DATABASE_URL / KAFKA_BROKERS when set, else embedded PostgreSQL and the embedded log in
 * LEDGER_DATA_DIR. Production runs the three apps as separate processes instead.
 */
@Command({ name: 'start', description: 'Run ingest, projector and query API in one process (embedded defaults)' })
export class StartCommand extends CommandRunner {
  constructor(
    private readonly config: LedgerConfig,
    private readonly out: CliOutput,
  ) {
    super();
  }

  async run(): Promise<void> {
    const config = this.config;
    const db = await openDatabase(config, 20);
    const log: EventLog = config.KAFKA_BROKERS ? createKafkaLog(config) : new EmbeddedEventLog(db.pool, { batching: produceBatching(config) });
    const app = await createHttpApp(rootModule(LedgerInfraModule.forRoot({ config, pool: db.pool, log }), [IngestApiModule, ProjectorModule, QueryApiModule]), config, {
      name: 'ledger',
    });
    await app.listen(config.PORT, config.HOST);
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const tokens = await ensureLocalTokens(config, new TokenStore(db.pool));
    const loaded = await loadSamplesOnce(url, db.pool);
    await writeRuntime(config.LEDGER_DATA_DIR, { pid: process.pid, databaseUrl: db.url, httpUrl: url, startedAt: new Date().toISOString() });

    this.out.result({ url, tokens, database: db.origin, log: config.KAFKA_BROKERS ? 'kafka' : 'embedded', samplesLoaded: loaded }, banner(url, tokens, db.origin, config, loaded));

    // HTTP stops first (requests in flight get their acknowledgement), then the projector's batch
    // in flight finishes, then the log and the database close; exit 0.
    closeOnSignals('ledger', async () => {
      await app.close();
      await log.close();
      await db.close();
      await removeRuntime(config.LEDGER_DATA_DIR);
    });
    await new Promise<never>(() => undefined);
  }
}

function banner(url: string, tokens: { admin: string; read: string; adminOrigin: string }, database: string, config: LedgerConfig, loaded: number): string {
  return [
    '',
    'Statement Ledger is running',
    `  dashboard   ${url}/#token=${tokens.read}`,
    `  API         ${url}/v1   (OpenAPI: ${url}/docs)`,
    `  admin token ${tokens.adminOrigin === 'LEDGER_BOOTSTRAP_TOKEN' ? '(the value of LEDGER_BOOTSTRAP_TOKEN)' : tokens.admin}`,
    `  read token  ${tokens.read}`,
    `  database    ${database}`,
    `  log         ${config.KAFKA_BROKERS ? `Kafka at ${config.KAFKA_BROKERS}` : 'embedded log (PostgreSQL tables)'}`,
    `  sample      ${loaded ? `${loaded} events of the seed case loaded` : 'already loaded on an earlier start'}`,
    '',
  ].join('\n');
}
