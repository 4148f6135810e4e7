import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchRun } from './harness/run/context';
import { machineDetails, REPO_ROOT } from './harness/run/machine';
import { printScenario, RunReport, writeDoc, DOC } from './harness/report/report';
import type { Scenario } from './harness/types';

const USAGE = `npm run bench -- [scenario…] [--quick] [--profile] [--connections=a,b] [--no-write] [--list]

  scenario       names or prefixes: "ingest" runs ingest.*, "ingest.batch" just that one (default: all)
  --quick        1 s warm-up + 3 s measured per load run, fewer levels; a smoke check (does not write the doc)
  --profile      CPU-profile the servers during measured windows and report the top modules and functions
  --connections  concurrency levels to try instead of each scenario's own
  --no-write     print only; do not update ${DOC.replace(REPO_ROOT + '/', '')}
  --list         list the scenarios`;

/** Every file in dist/bench/scenarios that exports `scenario`, in run order. */
function discover(): Scenario[] {
  const dir = join(__dirname, 'scenarios');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => (require(join(dir, f)) as { scenario?: Scenario }).scenario)
    .filter((s): s is Scenario => !!s)
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name));
}

function select(all: Scenario[], wanted: string[]): Scenario[] {
  if (!wanted.length) return all;
  const chosen = all.filter((s) => wanted.some((w) => s.name === w || s.name.startsWith(`${w}.`)));
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w || s.name.startsWith(`${w}.`)));
  if (unknown.length) throw new Error(`no scenario named ${unknown.join(', ')}; there are: ${all.map((s) => s.name).join(', ')}`);
  return chosen;
}

interface Options {
  scenarios: string[];
  quick: boolean;
  profile: boolean;
  connections?: number[];
  write: boolean;
  list: boolean;
  help: boolean;
}

function options(): Options {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      connections: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const connections = values.connections
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  // --quick figures are too short to keep.
  return { ...values, scenarios: positionals, connections, write: !values.quick && !values['no-write'] } as Options;
}

async function main(): Promise<number> {
  const opts = options();
  const all = discover();
  if (opts.help || opts.list) {
    process.stdout.write(opts.help ? `${USAGE}\n` : all.map((s) => `${s.name.padEnd(24)} ${s.title}\n`).join(''));
    return 0;
  }
  const scenarios = select(all, opts.scenarios);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const run = new BenchRun({ ...opts, runDir: join(REPO_ROOT, 'bench/.runs', stamp) });
  const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const report: RunReport = { command, machine: machineDetails(undefined), infrastructure: run.origins, scenarios: [] };
  // Whatever ends the run, the servers, databases and topics it made go away with it.
  const bail = (code: number) => () => void run.close().finally(() => process.exit(code));
  process.once('SIGINT', bail(130)).once('SIGTERM', bail(143));
  process.once('uncaughtException', (e) => (run.log(`crashed: ${e.stack ?? e}`), bail(1)()));
  try {
    for (const scenario of scenarios) report.scenarios.push(await runScenario(run, scenario));
    // The broker's version is read now that the run knows its address; date and load average stay those of the start.
    const { date, loadAverage } = report.machine;
    report.machine = { ...machineDetails(await run.brokers().catch(() => undefined)), date, loadAverage };
  } finally {
    await run.close();
  }
  if (opts.write) {
    writeDoc(report);
    run.log(`results written to ${DOC}`);
  }
  run.log(`logs and profiles in ${run.runDir}`);
  return report.scenarios.some((s) => s.error) ? 1 : 0;
}

/** One scenario; a failure is reported with the others' results, not thrown. */
async function runScenario(run: BenchRun, scenario: Scenario): Promise<RunReport['scenarios'][number]> {
  run.log(`${scenario.name}: starting`);
  try {
    const result = await scenario.run(run);
    printScenario(scenario, result);
    return { scenario, result };
  } catch (e) {
    run.log(`${scenario.name} failed: ${(e as Error).stack ?? e}`);
    return { scenario, error: (e as Error).message };
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`bench: ${e.message}\n\n${USAGE}\n`);
    process.exit(2);
  },
);
