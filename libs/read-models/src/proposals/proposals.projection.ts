import { formOf, journalOf } from '../facts/fact-columns';
import { PoolClient } from 'pg';
import { FactChange } from '../facts/fact';
import { Projection } from '../projection';
import { proposalRows } from './proposals.fold';
import { write } from '@ledger/postgres';

const TYPES = new Set(['ProposalMade', 'ProposalAmended']);

/** Proposals: the first ProposalMade by fold order names it and its proposer; amendments add versions. */
export class ProposalsProjection implements Projection {
  readonly name = 'proposals_v1';

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    const ids = new Set<string>();
    for (const c of changes) {
      if (!TYPES.has(c.type)) continue;
      [c.previous?.proposalId, c.after?.effective?.proposalId].forEach((id) => id && ids.add(id));
    }
    if (!ids.size) return;
    await write(client, `DELETE FROM proposals_v1 WHERE id = ANY($1::text[])`, [[...ids]]);
    const { rows } = await client.query(
      `SELECT e.event_id, e.type, e.partition, e."offset", ${formOf('e', 'j')} AS effective,
              -- A stored voice is [role, idx, actorId, person, principal, authority, counted] (voices-column.ts).
              (SELECT coalesce(v->>4, v->>2) FROM json_array_elements(e.voices) v WHERE v->>0 = 'actor'
                ORDER BY (v->>6)::boolean DESC, (v->>1)::int LIMIT 1) AS proposer
         FROM events_v1 e
         ${journalOf('e', 'j')}
        WHERE e.proposal_id = ANY($1::text[]) AND e.type IN ('ProposalMade', 'ProposalAmended') AND e.counts`,
      [[...ids]],
    );
    const out = proposalRows(rows);
    if (!out.length) return;
    await write(
      client,
      `INSERT INTO proposals_v1 (id, title, kind, terms, duration_days, version, proposer, made_event_id, made_value, made_start, versions)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, title text, kind text, terms jsonb, duration_days int, version int, proposer text,
              made_event_id uuid, made_value text, made_start timestamptz, versions jsonb)`,
      [JSON.stringify(out)],
    );
  }
}
