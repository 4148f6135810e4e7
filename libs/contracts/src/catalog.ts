import { EventDefinition } from './event-definition';
import { StatementMadeEvent } from './events/statement-made';

/** Every event type the ledger accepts, by its name. One name end to end (STYLE.md habit 2). */
export const CATALOG: Readonly<Record<string, EventDefinition<any>>> = Object.freeze(
  Object.fromEntries([StatementMadeEvent].map((def) => [def.type, def])),
);

export function findDefinition(type: string): EventDefinition<any> | undefined {
  return Object.prototype.hasOwnProperty.call(CATALOG, type) ? CATALOG[type] : undefined;
}
