import { parsedRow, RawRecord } from './raw-record';

const ENVELOPE = JSON.stringify({ eventId: 'e1', type: 'StatementMade', data: { text: 'x' } });
const raw = (recordedAt: string): RawRecord => [2, '41', 'e1', 'StatementMade', recordedAt, ENVELOPE];

describe('parsedRow', () => {
  it('takes the record time ISO form from UTC text, and the Date from its digits', () => {
    const row = parsedRow(raw('2025-03-18 10:00:00.13+00'));
    expect(row.recorded_iso).toBe('2025-03-18T10:00:00.130Z');
    expect(row.recorded_at.toISOString()).toBe('2025-03-18T10:00:00.130Z');
    expect(row).toMatchObject({ partition: 2, offset: '41', event_id: 'e1', type: 'StatementMade', target_event_id: null });
    expect(row.envelope).toEqual(JSON.parse(ENVELOPE));
  });

  it('parses text of another zone the general way, and leaves the ISO form to be formatted', () => {
    const row = parsedRow(raw('2025-03-18 11:00:00.137+01'));
    expect(row.recorded_iso).toBeUndefined();
    expect(row.recorded_at.toISOString()).toBe('2025-03-18T10:00:00.137Z');
  });

  it('reads the whole envelope when given one', () => {
    const whole = JSON.stringify({ eventId: 'e1', type: 'StatementMade', data: { text: 'x' }, evidence: [] });
    expect(parsedRow(raw('2025-03-18 10:00:00+00'), whole).envelope).toEqual(JSON.parse(whole));
  });
});
