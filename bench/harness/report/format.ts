import type { CpuUse } from '../types';

/** number with thousands separators, or with one decimal below 100. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : (Math.round(n * 10) / 10).toString();
}

/**
 * The CPU cells of a results row: each named process ("–" when not measured), "others" (the
 * machine minus the named ones: noise), the whole machine, and the busiest others.
 */
export function cpuCells(use: CpuUse, names: string[], topOthers: string[]): string[] {
  const named = names.reduce((n, k) => n + (use[k] ?? 0), 0);
  return [...names.map((k) => fmt(use[k] ?? NaN)), fmt(Math.max(0, (use.machine ?? 0) - named)), fmt(use.machine ?? NaN), topOthers.join(', ') || '–'];
}
