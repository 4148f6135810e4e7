import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES_DIR, ScenarioFigures } from '../figures';

type Recorded = ScenarioFigures & { at: string };

/** The figures recorded since `since` (ISO time; all when absent), in file-name order. */
export function readFigures(since?: string): Recorded[] {
  let files: string[];
  try {
    files = readdirSync(FIGURES_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files
    .flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as Recorded];
      } catch {
        return [];
      }
    })
    .filter((r) => !since || r.at >= since);
}

/** One Markdown table: the common figures, then one line per scenario with its own numbers. */
export function figuresTable(figures: Recorded[]): string {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toLocaleString('en-US'));
  const lines = [
    '| scenario | acknowledged | applied | duplicated | lost | recovery (s, worst) |',
    '|---|---:|---:|---:|---:|---:|',
    ...figures.map(
      (f) => `| ${f.scenario} | ${n(f.acknowledged)} | ${n(f.applied)} | ${n(f.duplicated)} | ${n(f.lost)} | ${f.recoverySeconds === null ? '–' : f.recoverySeconds.toFixed(1)} |`,
    ),
    '',
    ...figures
      .filter((f) => f.extra && Object.keys(f.extra).length)
      .map(
        (f) =>
          `- **${f.scenario}**: ${Object.entries(f.extra!)
            .map(([k, v]) => `${k} ${typeof v === 'number' ? n(v) : v}`)
            .join('; ')}`,
      ),
  ];
  return lines.join('\n') + '\n';
}

/** Prints this run's figures and keeps them as Markdown in test-results/faults/figures.md. */
export function printFigures(since?: string): void {
  const figures = readFigures(since);
  if (!figures.length) {
    process.stdout.write('\nfault scenarios: no figures recorded in this run\n');
    return;
  }
  const table = figuresTable(figures);
  writeFileSync(join(FIGURES_DIR, 'figures.md'), table);
  process.stdout.write(`\nFault scenarios — figures of this run (${join('test-results', 'faults', 'figures.md')}):\n\n${table}`);
}
