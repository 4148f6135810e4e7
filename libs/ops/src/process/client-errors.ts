import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_BASE, Problem } from '@ledger/http';

/** What Node's HTTP parser reports when it cannot read a request (`clientError`). */
export interface ClientError extends Error {
  code?: string;
  /** The bytes being parsed when it failed (a Buffer from Node). */
  rawPacket?: unknown;
}

/** A request line longer than this, alone, is answered 414 rather than 431. */
const LONG_REQUEST_LINE = 8 * 1024;

/**
 * The problem document for a request Node could not parse: 431 (headers over the limit), 414 (the
 * request line alone over it), 408 (not received in time), else 400 `request.malformed` (not HTTP/1.1:
 * bad chunked encoding, a bad header, garbage). Never echoes the bytes received.
 */
export function clientErrorProblem(error: ClientError): Problem {
  const problem = (status: number, code: string, detail: string): Problem => ({ type: PROBLEM_BASE + code, title: STATUS_CODES[status] ?? 'Bad Request', status, code, detail });
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return requestLineTooLong(error.rawPacket)
      ? problem(414, 'request.uri_too_long', 'The request line (method, path and query) is longer than the server reads.')
      : problem(431, 'request.headers_too_large', 'The request headers together are larger than the server reads.');
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return problem(408, 'request.timeout', 'The request was not received in time.');
  return problem(400, 'request.malformed', `The request is not valid HTTP/1.1 (${error.code ?? 'unreadable'}).`);
}

/**
 * Fastify's clientErrorHandler: answers problem+json with `Connection: close` and closes the
 * connection (the parser cannot find the next request in what follows). When a response has
 * already started there is nothing left to say: the connection is only closed.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem = clientErrorProblem(error);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that never reads must not hold the socket open.
  setTimeout(() => socket.destroy(), 5_000).unref();
}

function requestLineTooLong(raw: unknown): boolean {
  if (!Buffer.isBuffer(raw)) return false;
  const head = raw.subarray(0, LONG_REQUEST_LINE + 2).toString('latin1');
  return /^[A-Z]{3,10} \S/.test(head) && !head.includes('\r\n');
}
