import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { LedgerError } from '@ledger/contracts';

/**
 * Validates query-string parameters against a class-validator class: unknown parameters and bad
 * values give 400 `query.invalid` naming each one.
 */
export function parseQuery<T extends object>(cls: new () => T, raw: unknown): T {
  // PostgreSQL text cannot hold U+0000: such a value would fail in SQL, so it is refused here.
  const nul = Object.entries(raw ?? {}).find(([key, value]) => [key, value].flat().some((v) => typeof v === 'string' && v.includes('\u0000')));
  if (nul) {
    const problem = { field: nul[0], message: `${nul[0]} must not contain the NUL character (U+0000)` };
    throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', problem.message, { errors: [problem] });
  }
  const instance = plainToInstance(cls, raw ?? {}, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const problems = errors.flatMap((e: ValidationError) => Object.values(e.constraints ?? {}).map((message) => ({ field: e.property, message })));
    throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', problems.map((p) => p.message).join('; '), { errors: problems });
  }
  return instance;
}
