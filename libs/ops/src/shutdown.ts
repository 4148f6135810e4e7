import { Logger } from '@nestjs/common';

/** Longer than a publish's acknowledgement timeout and a projector batch; shorter than compose's stop grace. */
export const SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * On SIGTERM or SIGINT runs `close` once and exits 0 (1 when closing fails or takes longer than
 * `timeoutMs`). A second signal while closing exits at once. Nest's own shutdown hooks re-raise the
 * signal after closing, so the process would end by the signal instead of exit 0: apps use this.
 */
export function closeOnSignals(name: string, close: () => Promise<void>, timeoutMs = SHUTDOWN_TIMEOUT_MS): void {
  const logger = new Logger(name);
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} while shutting down: exiting now`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: refusing new requests, finishing the work in flight, then exiting`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    close().then(
      () => {
        logger.log('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        logger.error(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
