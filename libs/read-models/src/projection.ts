import { PoolClient } from 'pg';
import { FactChange } from './facts/fact';
import { KeyClass } from './read-model-locks';

/** Takes the batch's locks of one key class (a no-op under the exclusive read-model lock); see read-model-locks. */
export type KeyLocker = (cls: KeyClass, keys: Iterable<string>) => Promise<void>;

/**
 * A read model's writer. `refresh` receives every event whose effective form or resolution changed
 * in this batch (inside the batch's transaction); it drops what it derived from those events and
 * derives again, so the result depends only on the set of events, never on their arrival order.
 * Rows another partition's batch may touch at the same time are locked first, with `lock`, or
 * changed by additive upserts in key order.
 */
export interface Projection {
  readonly name: string;
  refresh(client: PoolClient, changes: FactChange[], lock: KeyLocker): Promise<void>;
}
