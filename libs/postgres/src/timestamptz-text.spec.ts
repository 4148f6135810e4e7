import { isoOfUtcTimestamptz, millisOfIso } from './timestamptz-text';

/** What PostgreSQL writes for an instant in a UTC session (ISO date style): fraction trimmed of trailing zeros, none when zero. */
function pgText(d: Date): string {
  const [day, time] = d.toISOString().slice(0, -1).split('T');
  const [whole, ms] = time.split('.');
  const fraction = ms.replace(/0+$/, '');
  return `${day} ${whole}${fraction ? `.${fraction}` : ''}+00`;
}

describe('isoOfUtcTimestamptz', () => {
  it('gives what Date#toISOString writes, for fractions of none to three digits', () => {
    expect(isoOfUtcTimestamptz('2025-03-18 10:00:00+00')).toBe('2025-03-18T10:00:00.000Z');
    expect(isoOfUtcTimestamptz('2025-03-18 10:00:00.1+00')).toBe('2025-03-18T10:00:00.100Z');
    expect(isoOfUtcTimestamptz('2025-03-18 10:00:00.12+00')).toBe('2025-03-18T10:00:00.120Z');
    expect(isoOfUtcTimestamptz('2025-03-18 10:00:00.137+00')).toBe('2025-03-18T10:00:00.137Z');
  });

  it('agrees with Date over many instants, and millisOfIso gives each one back', () => {
    const start = Date.UTC(1999, 11, 31, 23, 59, 59, 990);
    for (let i = 0; i < 20_000; i++) {
      const d = new Date(start + i * 7_919_311 + (i % 1000));
      const iso = isoOfUtcTimestamptz(pgText(d));
      expect(iso).toBe(d.toISOString());
      expect(millisOfIso(iso!)).toBe(d.getTime());
    }
  });

  it('answers null for what it does not rearrange: other zones, microseconds, odd years, other text', () => {
    for (const text of [
      '2025-03-18 11:00:00.137+01',
      '2025-03-18 15:30:00+05:30',
      '2025-03-18 10:00:00.1372+00',
      '2025-03-18 10:00:00.137456+00',
      '0999-03-18 10:00:00+00',
      '12025-03-18 10:00:00+00',
      '2025-03-18 10:00:00+00 BC',
      'infinity',
      '-infinity',
      '2025-03-18T10:00:00.137Z',
      '2025-03-18 10:00:00.+00',
      '2025-0a-18 10:00:00+00',
      '',
    ])
      expect(isoOfUtcTimestamptz(text)).toBeNull();
  });
});
