import { LogUnavailableError } from '@ledger/contracts';
import { withDeadline } from './kafka-event-log';

describe('withDeadline', () => {
  it('answers what the work answers within the deadline', async () => {
    await expect(withDeadline(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
  });

  it('gives up on work that hangs, with a LogUnavailableError (a 503: the outcome is unknown)', async () => {
    const hanging = new Promise<number>(() => undefined);
    const started = Date.now();
    const outcome = await withDeadline(hanging, 30).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(LogUnavailableError);
    expect((outcome as Error).message).toContain('did not answer within 30 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('leaves no unhandled rejection when the abandoned work fails later', async () => {
    let fail!: (e: Error) => void;
    const late = new Promise<number>((_, reject) => (fail = reject));
    await expect(withDeadline(late, 10)).rejects.toBeInstanceOf(LogUnavailableError);
    fail(new Error('connection closed'));
    await new Promise((r) => setTimeout(r, 10));
  });
});
