import { formOf, journalOf } from '../facts/fact-columns';
import { PoolClient } from 'pg';
import { occurredStartText } from '@ledger/contracts';
import { derivedBefore, FactChange } from '../facts/fact';
import { KeyLocker, Projection } from '../projection';
import { write } from '@ledger/postgres';

const ORDER = `e.occurred_start, e.precision_rank, e.reported_at NULLS LAST, e.partition, e."offset", e.event_id`;

/**
 * Sanction threats and their tracker. A threat is armed when made; triggered by the first event
 * (fold order) at or after it in which the trigger party does the trigger act (on the trigger
 * proposal, when one is named); executed by the first SanctionImposed that fulfils it. Lapsed is
 * judged at query time, against asOf.
 */
export class ThreatsProjection implements Projection {
  readonly name = 'threats_v1';

  async refresh(client: PoolClient, changes: FactChange[], lock: KeyLocker): Promise<void> {
    // Only an event that counted before this batch can be a threat's trigger or execution already.
    const ids = derivedBefore(changes);
    const threats = new Set(changes.filter((c) => c.type === 'SanctionThreatened').map((c) => c.eventId));
    for (const c of changes) {
      if (c.type !== 'SanctionImposed') continue;
      for (const e of [c.previous, c.after?.effective]) {
        const fulfils = (e?.data as { fulfilsThreat?: string } | undefined)?.fulfilsThreat;
        if (fulfils) threats.add(fulfils);
      }
    }
    // Threats whose trigger or execution was one of these events, and threats a changed event
    // could trigger sooner: the trigger party doing the trigger act (on the trigger proposal, when
    // named) at or after the threat and no later than the current trigger. Nothing else can move.
    // The acts are read from the changes in memory: joining freshly loaded tables misleads the planner.
    // A threat and an act that triggers it (or a sanction that fulfils it) may arrive in two
    // partitions at once: each batch locks the (party, act) pairs and threat ids it brings, so
    // the later of the two links them once it sees the other's rows.
    const acts = new Map<string, { party: string; type: string; proposal: string | null; at: string }>();
    const keys = new Set<string>();
    for (const c of changes) {
      const e = c.after?.effective;
      if (!c.after || !e || e.modality?.negated) continue;
      let at: string | undefined;
      for (const v of c.after.voices) {
        if (v.role !== 'actor' || !v.counted || !v.principal) continue;
        at ??= occurredStartText(e.occurredAt);
        const act = `act\u001f${v.principal}\u001f${e.type}`;
        keys.add(act);
        acts.set(`${act}\u001f${e.proposalId ?? ''}\u001f${at}`, { party: v.principal, type: e.type, proposal: e.proposalId ?? null, at });
      }
    }
    for (const c of changes) {
      const e = c.after?.effective;
      if (!e) continue;
      const data = e.data as { trigger?: { eventType?: string }; fulfilsThreat?: string };
      if (c.type === 'SanctionThreatened') {
        keys.add(`threat\u001f${c.eventId.toLowerCase()}`);
        for (const v of c.after!.voices) if (v.role === 'trigger' && v.principal) keys.add(`act\u001f${v.principal}\u001f${data.trigger?.eventType}`);
      }
      if (c.type === 'SanctionImposed' && data.fulfilsThreat) keys.add(`threat\u001f${data.fulfilsThreat.toLowerCase()}`);
    }
    await lock('threat', keys);
    const { rows: linked } = await client.query(
      `SELECT threat_id FROM threats_v1 WHERE triggered_by = ANY($1::uuid[]) OR executed_by = ANY($1::uuid[])
       UNION
       SELECT t.threat_id FROM (SELECT * FROM jsonb_to_recordset($2::jsonb) AS a(party text, type text, proposal text, at timestamptz) LIMIT $3) AS a
         JOIN threats_v1 t ON t.trigger_party = a.party AND t.trigger_type = a.type
              AND (t.trigger_proposal IS NULL OR t.trigger_proposal = a.proposal)
              AND t.occurred_start <= a.at AND (t.triggered_start IS NULL OR a.at <= t.triggered_start)`,
      // The acts' count ($3) for the planner: jsonb_to_recordset is estimated at 100 rows whatever it holds.
      [ids, JSON.stringify([...acts.values()]), acts.size],
    );
    linked.forEach((r) => threats.add(r.threat_id));
    if (threats.size) await rebuild(client, [...threats]);
  }
}

async function rebuild(client: PoolClient, ids: string[]): Promise<void> {
  await write(client, `DELETE FROM threats_v1 WHERE threat_id = ANY($1::uuid[])`, [ids]);
  await write(
    client,
    `WITH t AS (
       SELECT e.event_id, ${formOf('e', 'j')} AS env, e.occurred_start, e.proposal_id,
              -- A stored voice is [role, idx, actorId, person, principal, authority, counted] (voices-column.ts).
              (SELECT v->>4 FROM json_array_elements(e.voices) WITH ORDINALITY AS x(v, n)
                WHERE v->>0 = 'actor' AND (v->>6)::boolean ORDER BY (v->>5)::int NULLS LAST, (v->>1)::int LIMIT 1) AS by_party,
              ARRAY(SELECT DISTINCT v->>4 FROM json_array_elements(e.voices) v
                     WHERE v->>0 = 'recipient' AND (v->>6)::boolean AND v->>4 IS NOT NULL ORDER BY 1) AS against,
              (SELECT v->>4 FROM json_array_elements(e.voices) WITH ORDINALITY AS x(v, n) WHERE v->>0 = 'trigger' ORDER BY n LIMIT 1) AS trigger_party
         FROM events_v1 e
         ${journalOf('e', 'j')}
        WHERE e.event_id = ANY($1::uuid[]) AND e.type = 'SanctionThreatened' AND e.counts)
     INSERT INTO threats_v1 (threat_id, by_party, against, sanction, trigger_party, trigger_type, trigger_proposal, deadline, ultimatum, proposal_id,
                             occurred_value, occurred_start, triggered_by, triggered_start, executed_by, executed_start)
     SELECT t.event_id, t.by_party, t.against, t.env->'data'->'sanction', t.trigger_party, t.env->'data'->'trigger'->>'eventType',
            t.env->'data'->'trigger'->>'proposalId', (t.env->'data'->>'deadline')::date, coalesce((t.env->'data'->>'ultimatum')::boolean, false),
            t.proposal_id, t.env->'occurredAt'->>'value', t.occurred_start, trig.event_id, trig.occurred_start, ex.event_id, ex.occurred_start
       FROM t
       LEFT JOIN LATERAL (
         -- The trigger type's events from the threat on (events_v1_type_time), in fold order, the first in which the trigger party acts.
         SELECT e.event_id, e.occurred_start FROM events_v1 e
         ${journalOf('e', 'j')}
          WHERE t.trigger_party IS NOT NULL AND e.type = t.env->'data'->'trigger'->>'eventType' AND e.occurred_start >= t.occurred_start
            AND e.counts
            AND (t.env->'data'->'trigger'->>'proposalId' IS NULL OR e.proposal_id = t.env->'data'->'trigger'->>'proposalId')
            AND NOT coalesce((${formOf('e', 'j')}->'modality'->>'negated')::boolean, false)
            AND EXISTS (SELECT 1 FROM json_array_elements(e.voices) v WHERE v->>0 = 'actor' AND (v->>6)::boolean AND v->>4 = t.trigger_party)
          ORDER BY e.occurred_start, e.precision_rank, e.reported_at NULLS LAST, e.partition, e."offset", e.event_id LIMIT 1) trig ON true
       LEFT JOIN LATERAL (
         SELECT e.event_id, e.occurred_start FROM events_v1 e
          WHERE e.type = 'SanctionImposed' AND e.counts AND e.subject = t.event_id::text
          ORDER BY ${ORDER} LIMIT 1) ex ON true`,
    [ids],
  );
}
