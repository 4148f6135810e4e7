import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/contracts';

/**
 * A read model's writer. `apply` receives the events of one batch that are new to the ledger (never
 * a duplicate), in log order, inside the batch's transaction.
 */
export interface Projection {
  readonly name: string;
  apply(client: PoolClient, events: RecordedEvent[]): Promise<void>;
}
