import { PoolClient } from 'pg';
import { FactChange } from '../facts/fact';
import { compareOrder } from '../positions/fold-order';
import { orderKeyOf } from '../positions/position-membership';
import { Projection } from '../projection';

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
    await client.query(`DELETE FROM proposals_v1 WHERE id = ANY($1::text[])`, [[...ids]]);
    const { rows } = await client.query(
      `SELECT e.event_id, e.type, e.partition, e."offset", e.effective,
              (SELECT coalesce(v->>'principal', v->>'actorId') FROM jsonb_array_elements(e.voices) v WHERE v->>'role' = 'actor'
                ORDER BY (v->>'counted')::boolean DESC, (v->>'idx')::int LIMIT 1) AS proposer
         FROM events_v1 e
        WHERE e.proposal_id = ANY($1::text[]) AND e.type IN ('ProposalMade', 'ProposalAmended') AND e.effective IS NOT NULL`,
      [[...ids]],
    );
    const out = proposalRows(rows);
    if (!out.length) return;
    await client.query(
      `INSERT INTO proposals_v1 (id, title, kind, terms, duration_days, version, proposer, made_event_id, made_value, made_start, versions)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, title text, kind text, terms jsonb, duration_days int, version int, proposer text,
              made_event_id uuid, made_value text, made_start timestamptz, versions jsonb)`,
      [JSON.stringify(out)],
    );
  }
}

/** A ProposalMade or ProposalAmended as the proposals fold reads it (effective form, proposer principal). */
export interface ProposalEventRow {
  event_id: string;
  type: string;
  partition: number;
  offset: string;
  effective: any;
  proposer: string | null;
}

/** The proposals_v1 rows of these events, one per proposal that has a ProposalMade. Pure. */
export function proposalRows(rows: ProposalEventRow[]) {
  const byProposal = new Map<string, typeof rows>();
  for (const r of rows) byProposal.set(r.effective.proposalId, [...(byProposal.get(r.effective.proposalId) ?? []), r]);
  const out = [];
  for (const [id, events] of byProposal) {
    events.sort((a, b) => compareOrder(orderKeyOf(a.effective, a.partition, a.offset, null), orderKeyOf(b.effective, b.partition, b.offset, null)));
    const made = events.find((e) => e.type === 'ProposalMade');
    if (!made) continue; // amendments of a proposal not seen yet wait for it
    const p = made.effective.data.proposal;
    const versions = events.map((e) =>
      e.type === 'ProposalMade'
        ? { version: e.effective.data.version, eventId: e.event_id, occurredAt: e.effective.occurredAt, terms: e.effective.data.proposal.terms ?? [] }
        : { version: e.effective.data.newVersion, eventId: e.event_id, occurredAt: e.effective.occurredAt, termsDelta: e.effective.data.termsDelta },
    );
    out.push({
      id,
      title: p.title,
      kind: p.kind,
      terms: p.terms ?? [],
      duration_days: p.durationDays ?? null,
      version: Math.max(...versions.map((v) => v.version)),
      proposer: made.proposer,
      made_event_id: made.event_id,
      made_value: made.effective.occurredAt.value,
      made_start: new Date(orderKeyOf(made.effective, 0, '0', null).occurredStart).toISOString(),
      versions,
    });
  }
  return out;
}
