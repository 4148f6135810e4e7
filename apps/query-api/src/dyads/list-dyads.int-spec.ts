import { DyadView } from '@ledger/read-models';
import { SeededQueryApp, startSeededQueryApp } from '../shared/seeded-app.testing';

/** goldsteinMean is goldsteinSum / events rounded to 3 decimals. */
function expectMean(d: DyadView): void {
  expect(Math.abs(d.goldsteinMean - d.goldsteinSum / d.events)).toBeLessThanOrEqual(0.0005 + 1e-9);
  expect(Math.round(d.goldsteinMean * 1000)).toBeCloseTo(d.goldsteinMean * 1000, 6);
}

// GET /v1/dyads on the seed case: directed pairs of principals per day, ISO week or month.
describe('GET /v1/dyads', () => {
  let api: SeededQueryApp;
  const RANGE = 'from=2025-03-01&to=2025-04-01';
  const items = async (query: string): Promise<DyadView[]> => {
    const res = await api.get(`/v1/dyads?${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  };

  beforeAll(async () => {
    api = await startSeededQueryApp();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('counts the meeting in Moscow on 13 March both ways, as verbal cooperation', async () => {
    const days = await items(RANGE);
    const day13 = (source: string, target: string) => days.find((d) => d.source === source && d.target === target && d.period === '2025-03-13');
    for (const [source, target] of [
      ['USA', 'RUS'],
      ['RUS', 'USA'],
    ]) {
      expect(day13(source, target)).toMatchObject({ events: expect.any(Number), quad: expect.objectContaining({ verbalCooperation: expect.any(Number) }) });
      expect(day13(source, target)!.quad.verbalCooperation).toBeGreaterThanOrEqual(1);
    }
    expect(days.find((d) => d.source === d.target)).toBeUndefined();
    for (const d of days) expectMean(d);
  });

  it('sums the days into ISO weeks (starting Monday) and months', async () => {
    const days = await items(RANGE);
    const mondayOf = (day: string) => {
      const d = new Date(`${day}T00:00:00Z`);
      return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    };
    const rollUp = (periodOf: (day: string) => string) => {
      const sums = new Map<string, { events: number; goldsteinSum: number; vc: number }>();
      for (const d of days) {
        const key = `${d.source}>${d.target}@${periodOf(d.period)}`;
        const s = sums.get(key) ?? { events: 0, goldsteinSum: 0, vc: 0 };
        sums.set(key, { events: s.events + d.events, goldsteinSum: s.goldsteinSum + d.goldsteinSum, vc: s.vc + d.quad.verbalCooperation });
      }
      return sums;
    };
    for (const [interval, periodOf] of [
      ['week', mondayOf],
      ['month', (day: string) => `${day.slice(0, 7)}-01`],
    ] as const) {
      const expected = rollUp(periodOf);
      const got = await items(`${RANGE}&interval=${interval}`);
      expect(got.map((d) => `${d.source}>${d.target}@${d.period}`).sort()).toEqual([...expected.keys()].sort());
      for (const d of got) {
        const e = expected.get(`${d.source}>${d.target}@${d.period}`)!;
        expect([d.events, d.quad.verbalCooperation]).toEqual([e.events, e.vc]);
        expect(d.goldsteinSum).toBeCloseTo(e.goldsteinSum, 6);
        expectMean(d);
      }
    }
    expect(new Set((await items(`${RANGE}&interval=week`)).map((d) => d.period))).toEqual(new Set(['2025-03-10']));
    expect(new Set((await items(`${RANGE}&interval=month`)).map((d) => d.period))).toEqual(new Set(['2025-03-01']));
  });

  it('filters by source and target, keeps the range half-open, and pages', async () => {
    const usaToRus = await items(`${RANGE}&source=USA&target=RUS`);
    expect(usaToRus.length).toBeGreaterThan(0);
    expect(usaToRus.every((d) => d.source === 'USA' && d.target === 'RUS')).toBe(true);
    expect(await items('from=2025-03-01&to=2025-03-13&source=RUS&target=USA')).toEqual([]);
    expect((await items('from=2025-03-13&to=2025-03-14&source=RUS&target=USA')).map((d) => d.period)).toEqual(['2025-03-13']);
    const all = await items(RANGE);
    const paged: DyadView[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.get(`/v1/dyads?${RANGE}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it('defaults to the last 365 days: the seed of March 2025 is older', async () => {
    expect(await items('')).toEqual([]);
  });

  it('refuses bad parameters and over-long ranges with problem+json', async () => {
    const bad = await api.get('/v1/dyads?interval=year&from=2025-02-30&source=%20x&pair=USA');
    expect([bad.status, bad.body.code]).toEqual([400, 'query.invalid']);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['from', 'interval', 'pair', 'source']);
    const long = await api.get('/v1/dyads?from=2000-01-01&to=2025-01-01');
    expect([long.status, long.body.code]).toEqual([400, 'query.invalid']);
    const backwards = await api.get('/v1/dyads?from=2025-03-14&to=2025-03-01');
    expect([backwards.status, backwards.body.code]).toEqual([400, 'query.invalid']);
  });
});
