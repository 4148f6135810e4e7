import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { quoteIdent } from '@ledger/postgres';
import { FactChange } from './facts/fact';
import { writeFacts } from './facts/facts.writer';
import { DyadsProjection } from './dyads/dyads.projection';
import { PositionsProjection } from './positions/positions.projection';
import { Projection } from './projection';
import { ProposalsProjection } from './proposals/proposals.projection';
import { refreshRegistry } from './registry/registry.writer';
import { READ_SCHEMA } from './schemas';
import { StatementsProjection } from './statements/statements.projection';
import { ThreatsProjection } from './threats/threats.projection';
import { refreshVoices } from './voices/voices.writer';

/** Serialises read-model writes: context (a late affiliation) in one partition never races events in another. */
export const READ_MODEL_LOCK = 0x5e_1ed9e5;

/** What one batch changed in the read models. */
export interface ReadModelChanges {
  changes: FactChange[];
  /** The (party, proposal) stances re-folded. */
  positions: { party: string; proposalId: string }[];
}

/**
 * Every read model, written together inside the caller's transaction: facts, the registry, the
 * resolved voices, then each projection. The schema is a parameter, so a replay can build a fresh
 * copy beside the live one.
 */
export class ReadModels {
  private readonly positions = new PositionsProjection();
  private readonly others: Projection[] = [new StatementsProjection(), new ProposalsProjection(), new ThreatsProjection(), new DyadsProjection()];

  constructor(readonly schema: string = READ_SCHEMA) {}

  /** Folds newly applied events (never duplicates) into the read models; answers what changed. */
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<ReadModelChanges> {
    if (!events.length) return { changes: [], positions: [] };
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [READ_MODEL_LOCK, this.schema]);
    // Transaction-scoped: the caller's later statements qualify their schemas (ledger.*).
    await client.query(`SET LOCAL search_path TO ${quoteIdent(this.schema)}, public`);
    const facts = await writeFacts(client, events);
    const rolledUp = await refreshRegistry(client, facts);
    const changes = await refreshVoices(client, facts, rolledUp);
    const positions = await this.positions.refreshPairs(client, changes);
    for (const projection of this.others) await projection.refresh(client, changes);
    return { changes, positions };
  }
}
