import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { LedgerError } from '@ledger/contracts';
import { isDatabaseUnavailable } from '@ledger/postgres';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redactUrl } from './redact';

/** RFC 9457 problem details, with our stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extra: string]: unknown;
}

export const PROBLEM_BASE = 'https://statement-ledger.dev/problems/';

/**
 * The problem document for an error. `instance` is the request's URL, echoed with secrets
 * redacted (a token sent as `?token=` never comes back). Errors the framework or a plugin raises
 * with a 4xx status (a static file plugin's 403 for `..`, a body parser's 400) are client mistakes
 * with a stable code, never `internal`.
 */
export function toProblem(error: unknown, url?: string): Problem {
  const instance = url === undefined ? undefined : redactUrl(url);
  if (error instanceof LedgerError) {
    return { type: PROBLEM_BASE + error.code, title: error.title, status: error.status, code: error.code, detail: error.detail, instance, ...error.extra };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_CODES[status] ?? `http.${status}`;
    const detail = status === 415 ? 'Send the body as application/json.' : undefined;
    return { type: PROBLEM_BASE + code, title: redactUrl(error.message), status, code, detail, instance };
  }
  const status = clientStatus(error);
  if (status) {
    // A framework 403 only ever means a path it will not serve (a static file plugin refusing
    // `..`): to the caller there is nothing there.
    const shown = status === 403 ? 404 : status;
    const code = HTTP_CODES[shown] ?? `http.${shown}`;
    return { type: PROBLEM_BASE + code, title: STATUS_CODES[shown] ?? 'Client error', status: shown, code, instance };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      type: PROBLEM_BASE + 'service.unavailable',
      title: 'The database is unavailable',
      status: 503,
      code: 'service.unavailable',
      detail: 'PostgreSQL cannot be reached right now; nothing was changed. Retry after the delay.',
      retryAfter: 1,
      instance,
    };
  }
  return { type: PROBLEM_BASE + 'internal', title: 'Internal error', status: 500, code: 'internal', instance };
}

/** The 4xx status an error from Fastify or a plugin carries (`statusCode` or `status`), if any. */
function clientStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { statusCode, status } = error as { statusCode?: unknown; status?: unknown };
  const given = typeof statusCode === 'number' ? statusCode : status;
  return typeof given === 'number' && Number.isInteger(given) && given >= 400 && given < 500 ? given : undefined;
}

const HTTP_CODES: Record<number, string> = {
  400: 'request.invalid',
  401: 'auth.unauthenticated',
  403: 'auth.forbidden',
  404: 'route.not_found',
  405: 'route.method_not_allowed',
  413: 'request.too_large',
  408: 'request.timeout',
  411: 'request.length_required',
  414: 'request.uri_too_long',
  415: 'request.unsupported_media_type',
  431: 'request.headers_too_large',
  429: 'rate.limited',
};

/** Sends a problem document with its content type, and Retry-After where one applies. */
export function sendProblem(reply: FastifyReply, problem: Problem): void {
  if (typeof problem.retryAfter === 'number') void reply.header('Retry-After', String(problem.retryAfter));
  if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
  void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}

/** Maps every exception, once, to application/problem+json (STYLE.md habit 11). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(error, request?.url);
    if (problem.code === 'internal') this.logger.error(error);
    else if (problem.code === 'service.unavailable') this.logger.warn(`${problem.instance}: ${(error as Error).message}`);
    sendProblem(http.getResponse<FastifyReply>(), problem);
  }
}
