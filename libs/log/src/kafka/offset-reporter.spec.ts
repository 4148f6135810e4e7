import { OffsetReporter, ReportedOffset } from './offset-reporter';

describe('OffsetReporter', () => {
  const sent: ReportedOffset[][] = [];
  let release: (() => void) | undefined;
  const commit = async (offsets: ReportedOffset[]) => {
    sent.push(offsets);
    await new Promise<void>((r) => (release = r));
  };
  beforeEach(() => {
    sent.length = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it("sends each partition's newest offset once per interval, one request at a time", async () => {
    const reporter = new OffsetReporter(commit, 1_000);
    reporter.report({ topic: 't', partition: 0, offset: '5' });
    reporter.report({ topic: 't', partition: 1, offset: '7' });
    reporter.report({ topic: 't', partition: 0, offset: '9' });
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([
      [
        { topic: 't', partition: 0, offset: '9' },
        { topic: 't', partition: 1, offset: '7' },
      ],
    ]);
    // While that request is unanswered nothing else goes out, however long it takes.
    reporter.report({ topic: 't', partition: 1, offset: '8' });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sent).toHaveLength(1);
    release!();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent[1]).toEqual([{ topic: 't', partition: 1, offset: '8' }]);
    release!();
  });

  it('flushes what is unreported at once, and a failed commit costs nothing but the report', async () => {
    const failing = new OffsetReporter(async (offsets) => {
      sent.push(offsets);
      throw new Error('coordinator moved');
    }, 1_000);
    failing.report({ topic: 't', partition: 2, offset: '3' });
    await failing.flush();
    expect(sent).toEqual([[{ topic: 't', partition: 2, offset: '3' }]]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sent).toHaveLength(1);
  });
});
