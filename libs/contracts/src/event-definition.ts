import 'reflect-metadata'; // before any contract class: @Type and the schema generator read design-time types
import { cameoCodes } from './cameo';
import { Codes, EventEnvelope } from './envelope';

/** Rewrites `data` written at schema version `from` into the shape of version `from + 1`. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * One way a default CAMEO code is chosen. A type lists its rules in order and the first that
 * matches wins; the words in `when` and the predicate `matches` sit side by side so the catalog
 * says exactly what the code does.
 */
export interface CodeRule<T = any> {
  /** A code of the CAMEO table; its Goldstein value comes from the table. */
  cameo: string;
  /** The condition in words (`data.tone is optimistic`); absent = always. */
  when?: string;
  /** The same condition on the data; absent = always. */
  matches?: (data: T) => boolean;
}

/** Further acts one event implies, each coded on its own: a conditional acceptance demands each condition. */
export interface ImpliedCodes<TData, TItem = any> {
  /** What each implied act is, for the catalog (`each condition`). */
  per: string;
  items(data: TData): TItem[];
  rules: readonly CodeRule<TItem>[];
}

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
  /** Whether the envelope must name a `proposalId`; such types never repeat it inside `data`. */
  requiresProposal: boolean;
  /** How the default code is chosen; empty for types that are not coded (registry, corrections). */
  defaultCodeRules: readonly CodeRule<TData>[];
  /** Default codes for this event, by the first matching rule (some types vary by their data). */
  defaultCodes(data: TData): Codes | undefined;
  /** Acts the event implies besides its own, coded separately (dyads count each). */
  implied?: ImpliedCodes<TData>;
  /** A realistic example envelope from the seed case. */
  example: Omit<EventEnvelope<string, TData>, 'source'> & { source?: Partial<EventEnvelope['source']> };
}

/** What a type file declares; `defaultCodes` is derived from its rules so the two cannot drift. */
export type EventSpec<TData extends object> = Omit<EventDefinition<TData>, 'defaultCodes'>;

/** Builds a definition, keeping the data type and deriving `defaultCodes` from `defaultCodeRules`. */
export function defineEvent<TData extends object>(spec: EventSpec<TData>): EventDefinition<TData> {
  for (const rule of [...spec.defaultCodeRules, ...(spec.implied?.rules ?? [])]) cameoCodes(rule.cameo); // fail at load on a typo
  return { ...spec, defaultCodes: (data) => pickCodes(spec.defaultCodeRules, data) };
}

/** The codes of the first rule that matches `data`, with the table's Goldstein value. */
export function pickCodes<T>(rules: readonly CodeRule<T>[], data: T): Codes | undefined {
  const rule = rules.find((r) => !r.matches || r.matches(data));
  return rule ? cameoCodes(rule.cameo) : undefined;
}
