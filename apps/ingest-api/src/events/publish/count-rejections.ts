import { isPlainObject, LedgerError } from '@ledger/contracts';
import { LedgerMetrics } from '@ledger/ops';

/**
 * Runs a publish request's work and counts it in ledger_events_rejected_total by code when it is
 * refused (any 4xx problem it throws: invalid envelope, id conflict, batch too large); a refused
 * batch counts each of its events. Guards run before it, so 401/403/429 are not counted; 503s are
 * not refusals. A plain try/catch rather than a Nest interceptor: an interceptor puts rxjs and two
 * AsyncResource.bind calls (each defining deprecated accessors) on every request of the hot path.
 */
export async function countRejections<T>(metrics: LedgerMetrics, body: unknown, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LedgerError && error.status >= 400 && error.status < 500) {
      const events = isPlainObject(body) && Array.isArray(body.events) ? Math.max(1, body.events.length) : 1;
      metrics.eventsRejected.inc({ code: error.code }, events);
    }
    throw error;
  }
}
