import { DynamicModule, Logger, Module, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, LedgerConfig, loadConfig } from '@ledger/config';
import { createHttpApp } from './http-app';
import { AuthModule } from '@ledger/http';
import { InfraOptions, LedgerInfraModule } from './infra.module';
import { OpsModule } from '../ops.module';
import { closeOnSignals } from '../shutdown';

/** A root module: the shared infrastructure, health and metrics, plus the feature modules of one deployable. */
export function rootModule(infra: DynamicModule, features: (Type | DynamicModule)[]): Type {
  @Module({ imports: [infra, AuthModule, OpsModule, ...features] })
  class LedgerRootModule {}
  return LedgerRootModule;
}

export interface AppSpec {
  name: string;
  features: (Type | DynamicModule)[];
  defaults?: Partial<LedgerConfig>;
  /** Whether the app reads or writes the event log; without it no Kafka client is built (default true). */
  usesLog?: boolean;
  /** Reads from DATABASE_READ_URL when it is set (the query API). */
  readReplica?: boolean;
  /** Infrastructure built before Nest starts (embedded PostgreSQL, the embedded log). */
  infra?: (config: LedgerConfig) => Promise<Omit<InfraOptions, 'config'> & { close?: () => Promise<void> }>;
}

/**
 * Boots one deployable: validated configuration (exit 1 naming the bad variable), HTTP, listen;
 * a failed start exits 1; SIGTERM/SIGINT close it gracefully and exit 0 (ops/shutdown.ts).
 */
export async function runApp(spec: AppSpec): Promise<NestFastifyApplication> {
  let config: LedgerConfig;
  try {
    config = loadConfig(process.env, spec.defaults);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${spec.name}: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  try {
    const { close: closeExtra, ...extra } = spec.infra ? await spec.infra(config) : {};
    const app = await createHttpApp(
      rootModule(LedgerInfraModule.forRoot({ config, readReplica: spec.readReplica, ...(spec.usesLog === false ? { log: false as const } : {}), ...extra }), spec.features),
      config,
      { name: spec.name },
    );
    await app.listen(config.PORT, config.HOST);
    new Logger(spec.name).log(`listening on ${await app.getUrl()}`);
    closeOnSignals(spec.name, async () => {
      await app.close();
      await closeExtra?.();
    });
    return app;
  } catch (e) {
    new Logger(spec.name).fatal(`failed to start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
