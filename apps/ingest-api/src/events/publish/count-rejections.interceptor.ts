import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { isPlainObject, LedgerError } from '@ledger/contracts';
import { LedgerMetrics } from '@ledger/ops';

/**
 * Counts publish requests refused by validation (any 4xx problem the handler throws: invalid
 * envelope, id conflict, batch too large) in ledger_events_rejected_total by code; a refused batch
 * counts each of its events. Guards run first, so 401/403/429 are not counted; 503s are not refusals.
 */
@Injectable()
export class CountRejections implements NestInterceptor {
  constructor(private readonly metrics: LedgerMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof LedgerError && error.status >= 400 && error.status < 500) {
          const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
          const events = isPlainObject(body) && Array.isArray(body.events) ? Math.max(1, body.events.length) : 1;
          this.metrics.eventsRejected.inc({ code: error.code }, events);
        }
        return throwError(() => error);
      }),
    );
  }
}
