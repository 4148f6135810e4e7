import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Bodies smaller than this go out as they are: compressing them saves nothing worth the CPU. */
export const COMPRESS_MIN_BYTES = 1024;
const COMPRESSIBLE = /^(application\/(json|problem\+json|javascript)|text\/(html|css|javascript|plain))\b/i;
const CORS_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID';
const CORS_EXPOSED = 'ETag, Location, Retry-After, RateLimit, RateLimit-Policy, X-Request-Id';
const CORS_METHODS = 'GET, HEAD, POST, DELETE, OPTIONS';

/**
 * The HTTP conventions every app shares (docs/api.md, "HTTP conventions"): a weak ETag on each 200
 * GET answer and 304 for a matching If-None-Match; gzip or br for larger text bodies the client
 * accepts; CORS for the configured origins. The event stream is hijacked and so never passes
 * through onSend: it is neither tagged nor compressed.
 */
export function applyHttpConventions(fastify: FastifyInstance, corsOrigins: string | undefined): void {
  const origins = (corsOrigins ?? '')
    .split(',')
    .map((o) => o.trim().toLowerCase())
    .filter(Boolean);
  const anyOrigin = origins.includes('*');
  const corsOn = origins.length > 0;

  if (corsOn) {
    fastify.addHook('onRequest', (request, reply, done) => {
      const origin = request.headers.origin;
      // Set on the raw response so the hijacked event stream carries them too.
      if (!anyOrigin) reply.raw.setHeader('vary', 'Origin');
      if (typeof origin !== 'string' || !(anyOrigin || origins.includes(origin.toLowerCase()))) return done();
      reply.raw.setHeader('access-control-allow-origin', anyOrigin ? '*' : origin);
      reply.raw.setHeader('access-control-expose-headers', CORS_EXPOSED);
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
        void reply
          .code(204)
          .header('access-control-allow-methods', CORS_METHODS)
          .header('access-control-allow-headers', CORS_HEADERS)
          .header('access-control-max-age', '600')
          .send();
        return;
      }
      done();
    });
  }

  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload; // streams, empty
    const type = String(reply.getHeader('content-type') ?? '');
    if (/text\/event-stream/i.test(type)) return payload;
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    // A route that tags or encodes its own answers (the dashboard's files) keeps its choices.
    const vary = new Set<string>(
      String(reply.getHeader('vary') ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
        .map((v) => (v.toLowerCase() === 'accept-encoding' ? 'Accept-Encoding' : v)),
    );
    if (corsOn && !anyOrigin) vary.add('Origin');

    const tagged = reply.getHeader('etag') !== undefined;
    if (!tagged && (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode === 200 && !/problem\+json/i.test(type)) {
      const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
      void reply.header('etag', etag);
      if (matches(request.headers['if-none-match'], etag)) {
        void reply.code(304);
        reply.removeHeader('content-type');
        reply.removeHeader('content-length');
        if (vary.size) void reply.header('vary', [...vary].join(', '));
        return '';
      }
    }

    if (COMPRESSIBLE.test(type)) vary.add('Accept-Encoding');
    if (vary.size) void reply.header('vary', [...vary].join(', '));
    if (body.length < COMPRESS_MIN_BYTES || !COMPRESSIBLE.test(type) || reply.getHeader('content-encoding')) return payload;
    const encoding = pickEncoding(request.headers['accept-encoding']);
    if (!encoding) return payload;
    const compressed =
      encoding === 'br' ? await brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 4, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }) : await gzipAsync(body, { level: 6 });
    void reply.header('content-encoding', encoding);
    reply.removeHeader('content-length');
    return compressed;
  });
}

/** Weak comparison (RFC 9110 §13.1.2): `*` or any listed tag equal to ours, W/ or not. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === opaque;
  });
}

/** br when accepted, else gzip; an encoding with q=0 is refused; nothing acceptable: identity. */
export function pickEncoding(header: string | string[] | undefined): 'br' | 'gzip' | undefined {
  const weights = new Map<string, number>();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    weights.set(name, q ? Number(q[1]) : 1);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return undefined;
}
