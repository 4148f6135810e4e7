import { contentHash, decodeEvent, encodeEvent } from './codec';
import { EventEnvelope } from './envelope';
import { StatementMadeEvent } from './events/statement-made';

const event = { ...StatementMadeEvent.example, source: { publisher: 'desk' } } as EventEnvelope;

describe('codec', () => {
  it('round-trips an envelope through a log message with CloudEvents headers', () => {
    const message = encodeEvent(event);
    expect(message.key).toBe(event.proposalId);
    expect(message.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.eventId,
      ce_type: 'StatementMade',
      ce_source: '/publishers/desk',
      'content-type': 'application/json',
    });
    expect(message.headers.ce_time).toBe('2025-03-14T00:00:00.000Z');
    const decoded = decodeEvent(message.value);
    expect(decoded).toEqual({ ok: true, event });
  });

  it('refuses values that are empty, not UTF-8 or not JSON', () => {
    for (const value of [null, Buffer.alloc(0), Buffer.from([0xc3, 0x28]), Buffer.from('{nope')]) {
      expect(decodeEvent(value)).toMatchObject({ ok: false, reason: 'message.undecodable' });
    }
  });

  it('hashes content independent of key order and of who relayed it, and sensitive to the fact', () => {
    const { data, ...rest } = event;
    const reordered = JSON.parse(JSON.stringify({ data, ...rest })) as EventEnvelope;
    expect(contentHash(reordered)).toBe(contentHash(event));
    expect(contentHash({ ...event, source: { publisher: 'another-desk', correlationId: 'x' } })).toBe(contentHash(event));
    expect(contentHash({ ...event, data: { ...(event.data as object), tone: 'neutral' } })).not.toBe(contentHash(event));
  });
});
