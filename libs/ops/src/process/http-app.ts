import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LedgerConfig } from '@ledger/config';
import { LedgerError } from '@ledger/contracts';
import { ProblemFilter, sendProblem, toProblem, setupOpenApi } from '@ledger/http';
import { createLogger, PinoNestLogger } from '../logger';
import { observeHttp, requestIdFor } from '../http-observability';
import { drainOnClose } from '../drain';
import { LedgerMetrics } from '../metrics';
import { answerClientError } from './client-errors';
import { applyHttpConventions } from './http-conventions';

/**
 * Creates the Nest application on Fastify with the ledger's HTTP rules: JSON bodies only (415),
 * a body limit (413), prototype-poisoning keys refused, every error as problem+json; JSON log
 * lines through pino (Nest's own included), a request id per request, HTTP metrics.
 */
export async function createHttpApp(module: unknown, config: LedgerConfig, options: { name?: string } = {}): Promise<NestFastifyApplication> {
  const logger = createLogger(config.LOG_LEVEL, options.name);
  const adapter = new FastifyAdapter({
    bodyLimit: config.LEDGER_MAX_BODY_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    genReqId: requestIdFor,
    // What Node's HTTP parser refuses before any route sees it (431, 414, bad chunked encoding,
    // garbage) is a problem document too, and the connection is closed: it cannot go on.
    clientErrorHandler: answerClientError,
    // What Fastify's router answers by itself (a URL that is not valid percent-encoded UTF-8, a
    // path parameter over maxParamLength) is a problem document too, like every other error.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const problem = tooLong
        ? new LedgerError(414, 'request.uri_too_long', 'Path segment too long', 'A path parameter is longer than 100 characters.')
        : new LedgerError(400, 'request.malformed_url', 'Malformed URL', 'The URL is not valid percent-encoded UTF-8.');
      sendProblem(reply, toProblem(problem, request.url));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false, // a failing start rejects instead of aborting the process
    bodyParser: false, // our JSON-only parser below replaces Nest's
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Only JSON bodies: every other content type is refused with 415. Our own parser keeps keys such
  // as __proto__ as plain data, so validation can name the offending field (envelope.forbidden_key).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  observeHttp(fastify, logger, LedgerMetrics.shared());
  drainOnClose(fastify);
  applyHttpConventions(fastify, config.LEDGER_CORS_ORIGINS); // ETag/304, compression, CORS
  app.useGlobalFilters(new ProblemFilter());
  // No enableShutdownHooks(): Nest re-raises the signal after closing, so the process would not
  // exit 0. runApp and `ledger start` close on signals themselves (ops/shutdown.ts).
  setupOpenApi(app); // GET /docs and /docs/json, for this app's own routes
  return app;
}

export async function listen(app: INestApplication, config: LedgerConfig): Promise<string> {
  await app.listen(config.PORT, config.HOST);
  return app.getUrl();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new LedgerError(400, 'request.empty_body', 'Empty request body', 'A JSON body is required.');
  try {
    return JSON.parse(utf8.decode(body));
  } catch (e) {
    throw new LedgerError(400, 'request.malformed_json', 'Malformed JSON', (e as Error).message);
  }
}
