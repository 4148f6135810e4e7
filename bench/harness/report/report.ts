import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MachineDetails, REPO_ROOT } from '../run/machine';
import type { Figure, Scenario, ScenarioResult } from '../types';
import { fmt } from './format';

export const DOC = resolve(REPO_ROOT, 'docs/benchmarks.md');
const START = '<!-- bench:results:start (written by `npm run bench`; newest first) -->';
const END = '<!-- bench:results:end -->';
const RUN = '<!-- bench:run -->';
/** Runs kept in the document; older ones drop off the end. */
const KEEP = 4;

export interface RunReport {
  command: string;
  machine: MachineDetails;
  infrastructure: string[];
  scenarios: { scenario: Scenario; result?: ScenarioResult; error?: string }[];
}

function ratio(f: Figure): string {
  return f.baseline && f.baseline.value ? `${(f.value / f.baseline.value).toFixed(2)}×` : '–';
}

function target(f: Figure): string {
  if (f.target === undefined) return '';
  const met = f.better === 'higher' ? f.value >= f.target : f.value <= f.target;
  return `${f.better === 'higher' ? '≥' : '≤'} ${fmt(f.target)} ${met ? 'met' : 'MISSED'}`;
}

function figureRow(f: Figure): string[] {
  return [f.label, `${fmt(f.value)} ${f.unit}`, f.baseline ? `${f.baseline.label}: ${fmt(f.baseline.value)} ${f.unit}` : '–', ratio(f), target(f), f.note ?? ''];
}

const FIGURE_HEADER = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', 'how'];

/** Plain-text tables for the terminal. */
export function printScenario(scenario: Scenario, result: ScenarioResult): void {
  const out: string[] = [`\n== ${scenario.name}: ${scenario.title}`];
  out.push(...textTable(FIGURE_HEADER, result.figures.map(figureRow)));
  for (const t of result.tables ?? [])
    out.push(
      '',
      `  ${t.title}`,
      ...textTable(
        t.header,
        t.rows.map((r) => r.map(String)),
      ),
    );
  for (const n of result.notes ?? []) out.push(`  * ${n}`);
  process.stdout.write(out.join('\n') + '\n');
}

function textTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function mdTable(header: string[], rows: (string | number)[][]): string[] {
  const cell = (c: string | number) => String(c).replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** One run as Markdown: machine, then each scenario's figures, tables and notes. */
export function runMarkdown(run: RunReport): string {
  const m = run.machine;
  const out = [
    RUN,
    `### ${m.date} · \`${run.command}\``,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory} · ${m.os} · Node ${m.node} · ${m.java} · Kafka ${m.kafka} · commit ${m.commit} · load average at the start ${m.loadAverage}`,
    '',
    `Infrastructure: ${run.infrastructure.join('; ') || '–'}`,
  ];
  for (const { scenario, result, error } of run.scenarios) {
    out.push('', `#### ${scenario.name}: ${scenario.title}`, '');
    if (error || !result) {
      out.push(`Failed: ${error ?? 'no result'}`);
      continue;
    }
    out.push(...mdTable(FIGURE_HEADER, result.figures.map(figureRow)));
    for (const t of result.tables ?? []) out.push('', `${t.title}:`, '', ...mdTable(t.header, t.rows));
    if (result.notes?.length) out.push('', ...result.notes.map((n) => `- ${n}`));
  }
  return out.join('\n');
}

/**
 * Puts the run at the top of the results section of docs/benchmarks.md, keeping the last few, and
 * any older run that holds the newest result of a scenario the kept ones lack.
 */
export function writeDoc(run: RunReport): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const [head, rest] = doc.includes(START) ? [doc.slice(0, doc.indexOf(START)), doc.slice(doc.indexOf(START) + START.length)] : [doc.trimEnd() + '\n\n## Results\n\n', END];
  const body = rest.includes(END) ? rest.slice(0, rest.indexOf(END)) : '';
  const tail = rest.includes(END) ? rest.slice(rest.indexOf(END) + END.length) : '\n';
  const earlier = body
    .split(RUN)
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => `${RUN}\n${r}`);
  const runs = keepRuns([runMarkdown(run), ...earlier], KEEP);
  writeFileSync(DOC, `${head}${START}\n\n${runs.join('\n\n')}\n\n${END}${tail}`);
}

/**
 * The newest `keep` runs (markdown, newest first), and every older one that holds a scenario no newer
 * kept run has: a run of a few scenarios never pushes the only figures of the others out of the doc.
 */
export function keepRuns(runs: string[], keep: number): string[] {
  const seen = new Set<string>();
  return runs.filter((run, i) => {
    const names = [...run.matchAll(/^#### ([^:\n]+):/gm)].map((m) => m[1]);
    const fresh = names.some((name) => !seen.has(name));
    for (const name of names) seen.add(name);
    return i < keep || fresh;
  });
}
