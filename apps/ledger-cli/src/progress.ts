import { SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr for long commands (only when stderr is a terminal and output is not
 * JSON); otherwise silent, so scripts and CI logs stay clean.
 */
export class Progress {
  private readonly bar?: SingleBar;

  constructor(label: string, total: number, enabled = process.stderr.isTTY && process.env.LEDGER_CLI_JSON !== '1', unit = '') {
    if (!enabled) return;
    this.bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total}${unit} | {detail}{eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
    });
    this.bar.start(total, 0, { detail: '' });
  }

  /** Sets the running total and a note beside it (what is being written now). */
  report(done: number, detail: string): void {
    this.bar?.update(done, { detail: detail ? `${detail} | ` : '' });
  }

  advance(by = 1): void {
    this.bar?.increment(by);
  }

  /** Sets how much is done (for work that reports a running total). */
  set(done: number): void {
    this.bar?.update(done);
  }

  /** Stops the bar; `finished`: the work is whole, so the bar ends at 100 % whatever the estimate of the total was. */
  done(finished = false): void {
    if (finished && this.bar) this.bar.update(this.bar.getTotal());
    this.bar?.stop();
  }
}
