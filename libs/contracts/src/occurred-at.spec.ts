import { CATALOG } from './catalog';
import { isoInstant, occurredStart, occurredStartText, utcDay } from './occurred-at';
import { validateEnvelope } from './validate';

const statement = { ...CATALOG.StatementMade.example, source: { publisher: 'test' } };
const validate = (occurredAt: unknown) => validateEnvelope({ ...statement, occurredAt });

describe('occurredAt precision', () => {
  it.each([
    ['exact', '2025-03-13T19:30:00Z', '2025-03-13T19:30:00.000Z'],
    ['exact', '2025-03-13T22:30:00+03:00', '2025-03-13T19:30:00.000Z'],
    ['exact', '2025-03-13T19:30Z', '2025-03-13T19:30:00.000Z'],
    ['day', '2025-03-13', '2025-03-13T00:00:00.000Z'],
    ['day', '2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['week', '2025-W11', '2025-03-10T00:00:00.000Z'],
    ['week', '2025-W01', '2024-12-30T00:00:00.000Z'],
    ['week', '2020-W53', '2020-12-28T00:00:00.000Z'],
    ['month', '2025-03', '2025-03-01T00:00:00.000Z'],
  ])('accepts %s %s, starting at %s', (precision, value, start) => {
    expect(validate({ value, precision }).ok).toBe(true);
    expect(new Date(occurredStart({ value, precision: precision as 'day' })!).toISOString()).toBe(start);
  });

  it.each([
    ['exact', '2025-03-13T19:30:00'], // no zone
    ['exact', '2025-03-13'],
    ['exact', '2025-02-30T10:00:00Z'], // Date.parse alone would roll it over to 2 March
    ['exact', '2025-03-13T24:00:00Z'],
    ['day', '2025-02-30'],
    ['day', '2025-02-29'], // not a leap year
    ['day', '2025-13-01'],
    ['day', '2025-3-13'],
    ['day', '2025-03-13T19:30:00Z'],
    ['week', '2025-W54'],
    ['week', '2025-W53'], // 2025 has 52 ISO weeks
    ['week', '2025-W00'],
    ['week', '2025-11'],
    ['month', '2025-13'],
    ['month', '2025-00'],
    ['month', '2025-03-01'],
  ])('refuses %s %s at occurredAt', (precision, value) => {
    expect(validate({ value, precision })).toMatchObject({ ok: false, reason: 'envelope.invalid', problems: [{ field: 'occurredAt' }] });
  });

  it('reads a bare date as day precision', () => {
    expect(validate('2025-03-13')).toMatchObject({ ok: true, event: { occurredAt: { value: '2025-03-13', precision: 'day' } } });
    expect(validate('2025-02-30')).toMatchObject({ ok: false, problems: [{ field: 'occurredAt' }] });
  });

  it('refuses an unknown precision at occurredAt.precision', () => {
    expect(validate({ value: '2025', precision: 'year' })).toMatchObject({ ok: false, problems: [{ field: 'occurredAt.precision' }] });
  });

  it('answers a changed value of the same object anew (the last answer is kept per object and value)', () => {
    const at: { value: string; precision: 'day' | 'month' } = { value: '2025-03-13', precision: 'day' };
    expect(occurredStart(at)).toBe(Date.UTC(2025, 2, 13));
    expect(occurredStart(at)).toBe(Date.UTC(2025, 2, 13));
    at.value = '2025-03-14';
    expect(occurredStart(at)).toBe(Date.UTC(2025, 2, 14));
    at.precision = 'month';
    at.value = '2025-04';
    expect(occurredStart(at)).toBe(Date.UTC(2025, 3, 1));
    expect(occurredStart({ value: '2025-04', precision: 'day' })).toBeNull();
  });

  it('answers values seen before from other objects alike, per precision, and an unknown precision as null each time', () => {
    const values: [string, string, number | null][] = [
      ['day', '2025-03-13', Date.UTC(2025, 2, 13)],
      ['month', '2025-03', Date.UTC(2025, 2, 1)],
      ['day', '2025-03', null],
      ['month', '2025-03-13', null],
      ['week', '2025-W11', Date.UTC(2025, 2, 10)],
      ['constructor', '2025-03-13', null],
      ['__proto__', '2025-03-13', null],
    ];
    // Twice over, each time a new object: the second round answers from what the first kept.
    for (let round = 0; round < 2; round++) {
      for (const [precision, value, start] of values) {
        expect(occurredStart({ value, precision } as { value: string; precision: 'day' })).toBe(start);
        expect(occurredStartText({ value, precision } as { value: string; precision: 'day' })).toBe(new Date(start ?? 0).toISOString());
      }
    }
  });

  it('formats an instant as Date#toISOString does, asked again or not, and refuses an invalid one alike', () => {
    for (const ms of [0, Date.UTC(2025, 2, 13), Date.UTC(2025, 2, 13), -86_400_001, Date.UTC(2025, 2, 13, 19, 30, 0, 5), 0]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoInstant(NaN)).toThrow(RangeError);
    expect(() => isoInstant(8.64e15 + 1)).toThrow(RangeError);
  });

  it('gives the UTC day of an instant, asked again or not, before 1970 too', () => {
    for (const iso of ['2025-03-13T23:59:59.999Z', '2025-03-14T00:00:00.000Z', '2025-03-14T00:00:00.000Z', '1969-12-31T12:00:00.000Z', '2025-03-13T00:00:00.000Z']) {
      expect(utcDay(Date.parse(iso))).toBe(iso.slice(0, 10));
    }
  });
});
