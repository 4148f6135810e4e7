import { parseInstant as parseNamedInstant } from '@ledger/contracts';

/**
 * Parses asOf / knownAt with the parser the CLI's --known-at uses (@ledger/contracts
 * parseInstant): a timestamp with a zone, or a date meaning the end of that day (UTC); absent is null.
 */
export function parseInstant(name: string, value: string | undefined): Date | null {
  return value === undefined ? null : parseNamedInstant(name, value);
}
