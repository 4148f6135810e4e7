/** Stops what the global setup started, and nothing it found already running. */
export default async function globalTeardown(): Promise<void> {
  const infra = globalThis.__LEDGER_TEST_INFRA__;
  if (!infra) return;
  globalThis.__LEDGER_TEST_INFRA__ = undefined;
  const results = await Promise.allSettled([infra.postgres.stop(), infra.kafka.stop()]);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0)
    throw new AggregateError(
      failures.map((f) => f.reason),
      'stopping the test infrastructure failed',
    );
}
