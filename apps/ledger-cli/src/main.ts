import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigError, loadConfig } from '@ledger/config';
import { CliModule } from './cli.module';

async function main(): Promise<void> {
  // --json works on every command: taken out here, read by CliOutput and Progress.
  if (process.argv.includes('--json')) {
    process.env.LEDGER_CLI_JSON = '1';
    process.argv = process.argv.filter((a) => a !== '--json');
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`ledger: ${e.message}\n`);
    process.exit(1);
  }
  await CommandFactory.run(CliModule.forRoot(config), {
    logger: false,
    errorHandler: (error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    },
    serviceErrorHandler: (error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    },
  });
}

void main();
