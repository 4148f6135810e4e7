import type { FastifyInstance } from 'fastify';

/**
 * Lets a closing server finish promptly. Node's server.close() only ends the keep-alive connections
 * idle at that moment; one whose request was in flight stays open after its response until the
 * keep-alive timeout (72 s), holding up the shutdown. So once closing, every response says
 * `Connection: close`, and idle connections are reaped until the server has closed. A connection
 * that never sent a request (a browser's preconnect) counts as neither: after a grace period for the
 * requests in flight, every connection left is closed.
 */
const GRACE_MS = 10_000;

export function drainOnClose(fastify: FastifyInstance): void {
  let closing = false;
  let reaper: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  fastify.addHook('preClose', (done) => {
    closing = true;
    reaper = setInterval(() => fastify.server.closeIdleConnections(), 100);
    reaper.unref();
    deadline = setTimeout(() => fastify.server.closeAllConnections(), GRACE_MS);
    deadline.unref();
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(reaper);
    clearTimeout(deadline);
    done();
  });
}
