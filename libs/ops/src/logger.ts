import { LoggerService } from '@nestjs/common';
import pino, { Level, Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
const REDACT = ['authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'password', '*.password', 'token', '*.token', 'secret', '*.secret'];

/**
 * The process's JSON logger on stdout: one object per line with an ISO time, the level as a word,
 * the service name; `level` is LOG_LEVEL (`silent` writes nothing).
 */
export function createLogger(level: string, service?: string): Logger {
  return pino({
    level,
    base: service ? { service, pid: process.pid } : { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT, censor: '[REDACTED]' },
  });
}

/** The one URL redaction (libs/http), for log lines: no token or secret reaches a log. */
export { redactUrl } from '@ledger/http';

// Nest's start-up chatter: one line per module and route, useful only when debugging.
const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Nest's Logger writing through pino, so Nest's own lines and ours share one format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    // Nest passes (message, context) or, for errors, (message, stack, context).
    const rest = [...params];
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const effective = level === 'info' && context && QUIET_CONTEXTS.has(context) ? 'debug' : level;
    if (!this.logger.isLevelEnabled(effective)) return;
    const fields: Record<string, unknown> = { context };
    const stack = rest.find((p) => typeof p === 'string');
    if (stack) fields.stack = stack;
    let text: string;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (message !== null && typeof message === 'object') {
      Object.assign(fields, message);
      text = typeof (message as { msg?: unknown }).msg === 'string' ? String((message as { msg: string }).msg) : '';
    } else {
      text = String(message);
    }
    this.logger[effective](fields, text);
  }
}
