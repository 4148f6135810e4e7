import type { LatencySummary } from '../types';

/**
 * Every latency of a window, kept exactly: at most a few hundred thousand numbers per window, so a
 * sort at the end is cheaper than a histogram's bookkeeping on every answer.
 */
export class Latencies {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = ms;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.count).sort();
    const at = (q: number) => (this.count ? sorted[Math.min(this.count - 1, Math.ceil(q * this.count) - 1)] : NaN);
    let sum = 0;
    for (const v of sorted) sum += v;
    return { count: this.count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: this.count ? sorted[this.count - 1] : NaN, mean: this.count ? sum / this.count : NaN };
  }
}
