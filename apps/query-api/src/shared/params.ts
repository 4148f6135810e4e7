import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ID_PATTERN, LedgerError } from '@ledger/contracts';

/** Query strings carry text: a limit of digits becomes a number, anything else stays to be refused. */
export const toInt = ({ value }: { value: unknown }) => (/^\d+$/.test(String(value)) ? Number(value) : value);

/** `limit` and `cursor` of a paged list. */
export class PageParams {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) @JSONSchema({ description: 'Page size (default 100).' }) limit?: number;
  @IsOptional() @IsString() @MaxLength(512) @JSONSchema({ description: 'The nextCursor of the previous page.' }) cursor?: string;
}

/** For a route that takes no query parameters: 400 `query.invalid` naming each one given. */
export function refuseQueryParams(raw: Record<string, unknown> | undefined): void {
  const errors = Object.keys(raw ?? {}).map((field) => ({ field, message: `property ${field} should not exist` }));
  if (errors.length) throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', errors.map((e) => e.message).join('; '), { errors });
}

/** An id in the path (actor or proposal id, ID_PATTERN); 400 `query.invalid` otherwise. */
export function parsePathId(name: string, value: string): string {
  if (ID_PATTERN.test(value)) return value;
  const message = `${name} must be an id: letters, digits and _ . : - (at most 128)`;
  throw new LedgerError(400, 'query.invalid', 'Invalid query parameters', message, { errors: [{ field: name, message }] });
}
