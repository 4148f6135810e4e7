import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { redactUrl } from './logger';
import { LedgerMetrics } from './metrics';

/** Ids callers may send in `x-request-id` / `x-correlation-id`: short, printable, no spaces. */
const ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
/** Routes probed every few seconds: their request lines are debug, not info. */
const OPS_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** Fastify's request id: the caller's `x-request-id` when it is a sane id, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && ID.test(given) ? given : randomUUID();
}

/**
 * Per request: echoes the request id in `x-request-id`, writes one log line when the response is
 * sent, and observes http_request_duration_seconds by route pattern (never the raw URL, so the
 * label set stays bounded; requests that matched no route share `route="unmatched"`).
 */
export function observeHttp(fastify: FastifyInstance, logger: Logger, metrics: LedgerMetrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url && request.routeOptions.url !== '*' ? request.routeOptions.url : 'unmatched';
    const status = reply.statusCode;
    metrics.httpDuration.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    const level = status >= 500 ? 'error' : OPS_ROUTES.has(route) ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      const correlation = request.headers['x-correlation-id'];
      const principal = (request as { principal?: { name: string } }).principal;
      logger[level](
        {
          requestId: request.id,
          correlationId: typeof correlation === 'string' && ID.test(correlation) ? correlation : undefined,
          method: request.method,
          route,
          url: redactUrl(request.url),
          status,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
          principal: principal?.name,
        },
        'request',
      );
    }
    done();
  });
}
