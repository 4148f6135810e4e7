import { PartitionBounds } from '@ledger/log';
import { LedgerMetrics, NotReadyError } from '@ledger/ops';
import { projectorProblem, ProjectorMonitor } from './projector-monitor';

describe('projectorProblem (the readiness rule)', () => {
  const base = { lag: 10n, lastProgressAt: 0, now: 30_000, stallAfterMs: 60_000 };

  it('is ready while lagging if progress was made recently', () => {
    expect(projectorProblem(base)).toBeUndefined();
  });

  it('is ready when caught up, however long ago the last batch was', () => {
    expect(projectorProblem({ ...base, lag: 0n, now: 3_600_000 })).toBeUndefined();
  });

  it('is ready before the first lag sample', () => {
    expect(projectorProblem({ ...base, lag: undefined, now: 3_600_000 })).toBeUndefined();
  });

  it('is stalled when lagging without progress past the threshold', () => {
    expect(projectorProblem({ ...base, now: 61_000 })).toBe('stalled: lag 10 and no batch applied for 61 s');
  });

  it('is not ready once stopped for good', () => {
    expect(projectorProblem({ ...base, fatal: new Error('offset behind log start') })).toBe('stopped: offset behind log start');
  });
});

describe('ProjectorMonitor', () => {
  let now = 0;
  const high = ['5', '0'];
  let stored = new Map<number, string>();
  const source = {
    bounds: async (): Promise<PartitionBounds[]> => high.map((h, partition) => ({ partition, low: '0', high: h })),
    storedOffsets: async () => stored,
  };
  const metrics = new LedgerMetrics();
  const monitor = new ProjectorMonitor(source, metrics, () => now, { sampleEveryMs: 1_000, stallAfterMs: 60_000 });
  const lag = async (partition: number) => (await metrics.projectorLag.get()).values.find((v) => v.labels.partition === String(partition))?.value;

  it('samples the lag per partition from the high watermarks and the stored offsets', async () => {
    stored = new Map([[0, '2']]);
    await monitor.sample();
    expect(await lag(0)).toBe(3);
    expect(await lag(1)).toBe(0);
  });

  it('counts moving stored offsets as progress and stalls when they stop moving', async () => {
    now = 50_000;
    stored = new Map([[0, '3']]);
    await monitor.sample();
    now = 100_000;
    expect(() => monitor.check()).not.toThrow();
    await monitor.sample(); // nothing moved since 50 s
    now = 111_000;
    expect(() => monitor.check()).toThrow(NotReadyError);
    monitor.applied({ partition: 0, applied: [], changes: [], duplicates: 1, rejected: [] });
    expect(() => monitor.check()).not.toThrow();
    expect((await metrics.eventsDuplicate.get()).values[0].value).toBe(1);
  });

  it('removes its lag series when stopped', async () => {
    monitor.stop();
    expect((await metrics.projectorLag.get()).values).toEqual([]);
  });
});
