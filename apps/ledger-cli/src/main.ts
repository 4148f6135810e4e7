import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigError, loadConfig } from '@ledger/config';
import { CliModule } from './cli.module';

interface HelpMethods {
  commandUsage(cmd: unknown): string;
  formatHelp(cmd: unknown, helper: unknown): string;
}
const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);
const JSON_HELP = '\nEvery command also takes --json: one JSON document on stdout instead of text (errors still go to stderr, exit 1).\n';

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
    cliName: 'ledger',
    helpConfiguration: {
      // The program is `ledger` however it was started (npm run ledger, npx ledger, node dist/…).
      // `this` is commander's Help (configureHelp copies these onto it): call its own methods, then adjust.
      commandUsage(cmd) {
        return (Object.getPrototypeOf(this) as HelpMethods).commandUsage.call(this, cmd).replace(/^\S+/, 'ledger');
      },
      formatHelp(cmd, helper) {
        return (Object.getPrototypeOf(this) as HelpMethods).formatHelp.call(this, cmd, helper) + JSON_HELP;
      },
    },
    errorHandler: (error) => {
      // Help and version are answers, not failures; commander already printed its own usage errors.
      const code = (error as { code?: string }).code ?? '';
      if (HELP_CODES.has(code)) process.exit(0);
      if (code.startsWith('commander.')) process.exit(1);
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
