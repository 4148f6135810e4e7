import 'reflect-metadata';
import { LedgerError } from '@ledger/contracts';
import { parseInstant as apiInstant } from '../apps/query-api/src/positions/time-params';
import { ExportCommand } from '../apps/ledger-cli/src/export/export.command';
import { ReplayCommand } from '../apps/ledger-cli/src/replay/replay.command';

// "knownAt=2026-12-05" to the API and "--known-at 2026-12-05" to the CLI once meant different
// instants (end of day and start of day): an auditor comparing them saw different ledgers.
describe('one date parser for the API and the CLI', () => {
  const cli = {
    replay: (v: string) => ReplayCommand.prototype.parseKnownAt.call(null, v),
    export: (v: string) => ExportCommand.prototype.parseKnownAt.call(null, v),
  };

  it('a bare date means the same instant to the API and the CLI: the end of that day, UTC', () => {
    const end = '2026-12-05T23:59:59.999Z';
    expect(apiInstant('knownAt', '2026-12-05')!.toISOString()).toBe(end);
    expect(apiInstant('asOf', '2026-12-05')!.toISOString()).toBe(end);
    expect(cli.replay('2026-12-05').toISOString()).toBe(end);
    expect(cli.export('2026-12-05').toISOString()).toBe(end);
    expect(cli.replay('2026-12-05T10:00:00+02:00').toISOString()).toBe(apiInstant('knownAt', '2026-12-05T08:00:00Z')!.toISOString());
  });

  it('a bad date is a clear error naming the parameter, the same to both', () => {
    for (const bad of ['2026-02-30', 'yesterday', '2026-12-05T10:00:00', '2026-W49', '']) {
      expect(() => cli.replay(bad)).toThrow(/^--known-at must be a date \(2025-03-13: the end of that day, UTC\) or a timestamp with a zone/);
      let error: unknown;
      try {
        apiInstant('knownAt', bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LedgerError);
      expect(error).toMatchObject({ status: 400, code: 'query.invalid', extra: { errors: [{ field: 'knownAt' }] } });
    }
  });
});
