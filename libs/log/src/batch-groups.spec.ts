import { BatchGroups, groupsOf } from './batch-groups';
import { BatchResult, LogBatch } from './event-log';

const batch = (partition: number, records: number): LogBatch => ({
  topic: 't',
  partition,
  highWatermark: String(records),
  messages: Array.from({ length: records }, (_, i) => ({ offset: String(i), key: null, value: null, headers: {}, timestamp: '0' })),
});

describe('BatchGroups', () => {
  it('hands the batches submitted in one turn over together, in partition order', async () => {
    const calls: number[][] = [];
    const groups = new BatchGroups(
      async (batches) => {
        calls.push(batches.map((b) => b.partition));
        return batches.map((b) => ({ nextOffset: `p${b.partition}` }));
      },
      { maxRecords: 100, concurrency: 3 },
    );
    const results = await Promise.all([2, 0, 1].map((p) => groups.submit(batch(p, 5))));
    expect(calls).toEqual([[0, 1, 2]]);
    expect(results).toEqual([{ nextOffset: 'p2' }, { nextOffset: 'p0' }, { nextOffset: 'p1' }]);
  });

  it('cuts groups at maxRecords, a larger batch alone, and runs at most `concurrency` at once', async () => {
    let running = 0;
    let most = 0;
    const calls: number[][] = [];
    const groups = new BatchGroups(
      async (batches) => {
        calls.push(batches.map((b) => b.partition));
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return batches.map((): BatchResult => ({ nextOffset: '0' }));
      },
      { maxRecords: 10, concurrency: 2 },
    );
    await Promise.all([batch(0, 4), batch(1, 4), batch(2, 4), batch(3, 30), batch(4, 1)].map((b) => groups.submit(b)));
    expect(calls).toEqual([[0, 1], [2], [3], [4]]);
    expect(most).toBe(2);
  });

  it('rejects every batch of a group whose call failed, and goes on with the next groups', async () => {
    const groups = new BatchGroups(
      async (batches) => {
        if (batches.some((b) => b.partition === 1)) throw new Error('rolled back');
        return batches.map(() => ({ nextOffset: 'ok' }));
      },
      { maxRecords: 2, concurrency: 1 },
    );
    const outcomes = await Promise.allSettled([0, 1, 2].map((p) => groups.submit(batch(p, 1))));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.nextOffset : (o.reason as Error).message))).toEqual(['rolled back', 'rolled back', 'ok']);
  });

  it('groups consecutive batches without splitting one', () => {
    const items = [3, 3, 5, 1, 12, 2].map((n, i) => ({ batch: batch(i, n) }));
    expect(groupsOf(items, 6).map((g) => g.map((x) => x.batch.messages.length))).toEqual([[3, 3], [5, 1], [12], [2]]);
  });

  it('runs batches going alone in the same places as the groups', async () => {
    let running = 0;
    let most = 0;
    const slow = async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return { nextOffset: 'alone' };
    };
    const groups = new BatchGroups(async (batches) => batches.map(() => ({ nextOffset: 'group' })), { maxRecords: 10, concurrency: 2 });
    const results = await Promise.all([groups.alone(slow), groups.alone(slow), groups.alone(slow), groups.submit(batch(0, 1))]);
    expect(results.map((r) => r.nextOffset)).toEqual(['alone', 'alone', 'alone', 'group']);
    expect(most).toBe(2);
  });
});
