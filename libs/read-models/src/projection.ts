import { PoolClient } from 'pg';
import { FactChange } from './facts/fact';

/**
 * A read model's writer. `refresh` receives every event whose effective form or resolution changed
 * in this batch (inside the batch's transaction); it drops what it derived from those events and
 * derives again, so the result depends only on the set of events, never on their arrival order.
 */
export interface Projection {
  readonly name: string;
  refresh(client: PoolClient, changes: FactChange[]): Promise<void>;
}
