import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LedgerConfig } from './config';
import { LedgerError } from '@ledger/contracts';
import { ProblemFilter } from './problem';

/**
 * Creates the Nest application on Fastify with the ledger's HTTP rules: JSON bodies only (415),
 * a body limit (413), prototype-poisoning keys refused, every error as problem+json.
 */
export async function createHttpApp(module: unknown, config: LedgerConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.LEDGER_MAX_BODY_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    requestIdHeader: 'x-request-id',
  });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: config.LOG_LEVEL === 'silent' ? false : undefined,
    bufferLogs: false,
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
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
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
