import { Codes, EventEnvelope } from './envelope';

/** Rewrites `data` written at schema version `from` into the shape of version `from + 1`. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Everything the ledger knows about one event type: its data shape (a class-validator class, from
 * which the JSON Schema is generated), its current schema version, the upcasters that bring older
 * versions up to it, and the CAMEO code and Goldstein value it gets when the publisher gives none.
 */
export interface EventDefinition<TData extends object = object> {
  type: string;
  /** The version this build writes and folds. */
  schemaVersion: number;
  /** Upcasters keyed by the version they read. */
  upcasters: Record<number, Upcaster>;
  /** One line for the catalog and the OpenAPI document. */
  description: string;
  /** The class-validator class for `data`. */
  dataClass: new () => TData;
  /** Whether the envelope must name a `proposalId`. */
  requiresProposal: boolean;
  /** Default codes for this event (some types vary by their data: a statement's tone). */
  defaultCodes(data: TData): Codes | undefined;
  /** A realistic example envelope from the seed case. */
  example: Omit<EventEnvelope<string, TData>, 'source'> & { source?: Partial<EventEnvelope['source']> };
}

/** Identity helper that keeps the data type while building a definition. */
export function defineEvent<TData extends object>(def: EventDefinition<TData>): EventDefinition<TData> {
  return def;
}
