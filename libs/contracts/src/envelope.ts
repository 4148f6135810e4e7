import { OccurredAt } from './occurred-at';

/** Who acts: an actor id from the registry, in a capacity, possibly speaking for a principal. */
export interface ActorRef {
  /** Registry id: ISO alpha-3 for states (`RUS`), a slug for persons and organs (`peskov`). */
  actorId: string;
  /** The role the actor acts in (`spokesperson`, `special_envoy`), when the source says so. */
  capacity?: string;
  /** The principal the actor speaks for (Peskov acts on behalf of `putin`). */
  onBehalfOf?: string;
}

/** CAMEO event code and its Goldstein value (−10 conflict … +10 cooperation). */
export interface Codes {
  cameo: string;
  goldstein: number;
}

/** Qualifiers of the act; negated events never count in scores. */
export interface Modality {
  negated?: boolean;
  hypothetical?: boolean;
  future?: boolean;
  hedged?: boolean;
}

/** The words behind the fact. `direct` = a direct quote, not a paraphrase. */
export interface Evidence {
  quote: string;
  direct: boolean;
}

/** One article that reports the fact; one event may have many. */
export interface Citation {
  url: string;
  outlet: string;
  publishedAt?: string;
}

/** Who published the fact into the ledger. `publisher` comes from the token, never from the body. */
export interface EventSource {
  publisher: string;
  correlationId?: string;
  causationId?: string;
}

/**
 * The event envelope (DOMAIN.md §2): one fact about what a party said or did. It is the Kafka
 * message value, UTF-8 JSON. Record time is not part of it: the broker stamps it on append.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  /** Stable id (UUID): client-given, or derived from the Idempotency-Key and the publisher. */
  eventId: string;
  /** Catalog name, equal to the TypeScript type name (`StatementMade`). */
  type: TType;
  /** Version of `data`'s shape for this type. */
  schemaVersion: number;
  /** Valid time: when the act happened, with its precision. */
  occurredAt: OccurredAt;
  /** Publication time of the first source. */
  reportedAt?: string;
  /** Who acts; the first actor is the principal one. */
  actors: ActorRef[];
  /** At whom the act is directed. */
  recipients?: ActorRef[];
  /** The proposal the act is about. */
  proposalId?: string;
  /** CAMEO code and Goldstein value; defaults come from the catalog. */
  codes?: Codes;
  modality?: Modality;
  evidence?: Evidence;
  citations?: Citation[];
  source: EventSource;
  /** The type's own fields. */
  data: TData;
}

/** An envelope as the ledger recorded it: with record time and its place in the log. */
export interface RecordedEvent<TType extends string = string, TData = unknown> extends EventEnvelope<TType, TData> {
  /** Record time: the broker's append time (ISO 8601). */
  recordedAt: string;
  partition: number;
  offset: string;
}

/** The Kafka key of an event: its proposal when it has one, else its principal actor. */
export function subjectKey(event: Pick<EventEnvelope, 'proposalId' | 'actors'>): string {
  if (event.proposalId) return event.proposalId;
  const first = event.actors[0];
  return first ? (first.onBehalfOf ?? first.actorId) : 'unknown';
}
