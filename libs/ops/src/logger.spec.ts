import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoNestLogger, redactUrl } from './logger';
import { requestIdFor } from './http-observability';

describe('log hygiene', () => {
  it('blanks token query parameters in logged URLs', () => {
    expect(redactUrl('/v1/stream?token=sl_abc&party=USA')).toBe('/v1/stream?token=[REDACTED]&party=USA');
    expect(redactUrl('/x?a=1&Access_Token=zzz#top')).toBe('/x?a=1&Access_Token=[REDACTED]#top');
    expect(redactUrl('/v1/statements?tokens=5')).toBe('/v1/statements?tokens=5');
  });

  it('blanks a token however its parameter is spelled, and a token-shaped string anywhere in the URL', () => {
    const token = 'sl_AbCdEf0123456789-_xyz';
    expect(redactUrl(`/v1/stream?%74oken=${token}`)).toBe('/v1/stream?%74oken=[REDACTED]');
    expect(redactUrl(`/v1/stream?TOKEN=a&token=b;api_key=c&client_secret=d`)).toBe('/v1/stream?TOKEN=[REDACTED]&token=[REDACTED];api_key=[REDACTED]&client_secret=[REDACTED]');
    expect(redactUrl(`/v1/events/${token}?party=${token}`)).toBe('/v1/events/[REDACTED]?party=[REDACTED]');
    expect(redactUrl('/v1/statements?q=%E0%A4%A&party=USA')).toBe('/v1/statements?q=%E0%A4%A&party=USA');
  });

  it('keeps a sane caller request id and replaces anything else', () => {
    const req = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as never;
    expect(requestIdFor(req('abc-123'))).toBe('abc-123');
    for (const bad of [undefined, '', 'with space', 'x'.repeat(129), 'line\nbreak']) expect(requestIdFor(req(bad))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('PinoNestLogger', () => {
  const capture = (level = 'info') => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = pino({ level, redact: { paths: ['authorization', '*.authorization'], censor: '[REDACTED]' } }, sink);
    return { nest: new PinoNestLogger(logger), lines };
  };

  it('writes Nest lines as JSON with their context, errors with their stack', () => {
    const { nest, lines } = capture();
    nest.log('listening', 'ingest-api');
    nest.error('it broke', 'Error: it broke\n    at here', 'projector');
    nest.warn({ msg: 'odd', authorization: 'Bearer secret' }, 'auth');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, context: 'ingest-api', msg: 'listening' }),
      expect.objectContaining({ level: 50, context: 'projector', msg: 'it broke', stack: expect.stringContaining('at here') }),
      expect.objectContaining({ level: 40, context: 'auth', msg: 'odd', authorization: '[REDACTED]' }),
    ]);
  });

  it('demotes Nest start-up chatter to debug and honours the level', () => {
    const { nest, lines } = capture('info');
    nest.log('Mapped {/v1/events, POST} route', 'RouterExplorer');
    nest.debug('details', 'x');
    expect(lines).toEqual([]);
  });
});
