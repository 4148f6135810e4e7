import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a fault scenario reports: counts, and how long recovery took. */
export interface ScenarioFigures {
  scenario: string;
  /** Events the ledger answered 202 (or 200 duplicate) for. */
  acknowledged: number;
  /** Acknowledged events found applied in the read models. */
  applied: number;
  /** Events applied more than once (must be 0). */
  duplicated: number;
  /** Acknowledged events not applied (must be 0). */
  lost: number;
  /** Seconds from the fault's end to the ledger being caught up again (worst case when repeated). */
  recoverySeconds: number | null;
  /** Anything else worth a number (503s during an outage, kills, rebalances…). */
  extra?: Record<string, number | string>;
}

export const FIGURES_DIR = join(__dirname, '..', '..', 'test-results', 'faults');

/** Writes a scenario's figures for the suite's report (test-results/faults/<scenario>.json). */
export function recordFigures(figures: ScenarioFigures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${figures.scenario}.json`), JSON.stringify({ ...figures, at: new Date().toISOString() }, null, 2) + '\n');
}
