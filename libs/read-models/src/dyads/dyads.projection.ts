import { PoolClient } from 'pg';
import { cameoQuad, effectiveCodes, impliedCodes, occurredStart } from '@ledger/contracts';
import { FactChange, ResolvedFact } from '../facts/fact';
import { Projection } from '../projection';

const MEETING_TYPES = new Set(['MeetingHeld', 'NegotiationHeld', 'MeetingIntended']);

/**
 * Directed dyads per day: each event counts once per (source principal → target principal) and
 * coded act (a conditional acceptance adds one 10x demand per condition). Sources are the actors,
 * targets the recipients (and the accused of a violation); a meeting's participants pair up both
 * ways. Commentators and unresolved voices never count, nor does a party toward itself.
 */
export class DyadsProjection implements Projection {
  readonly name = 'dyads_v1';

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    const { rows: old } = await client.query(`DELETE FROM dyad_contributions_v1 WHERE event_id = ANY($1::uuid[]) RETURNING source, target, to_char(day, 'YYYY-MM-DD') AS day`, [
      changes.map((c) => c.eventId),
    ]);
    const fresh = changes.flatMap((c) => (c.after?.effective ? dyadContributions(c.after) : []));
    if (fresh.length) {
      await client.query(
        `INSERT INTO dyad_contributions_v1 (event_id, source, target, seq, day, cameo, goldstein, quad)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id uuid, source text, target text, seq int, day date, cameo text, goldstein numeric, quad smallint)`,
        [JSON.stringify(fresh)],
      );
    }
    const cells = new Map<string, { source: string; target: string; day: string }>();
    for (const c of [...old, ...fresh]) cells.set(`${c.source}\u0000${c.target}\u0000${c.day}`, { source: c.source, target: c.target, day: c.day });
    if (!cells.size) return;
    const keys = JSON.stringify([...cells.values()]);
    await client.query(
      `DELETE FROM dyads_v1 d USING jsonb_to_recordset($1::jsonb) AS k(source text, target text, day date)
        WHERE d.source = k.source AND d.target = k.target AND d.day = k.day`,
      [keys],
    );
    await client.query(
      `INSERT INTO dyads_v1 (source, target, day, events, goldstein_sum, verbal_coop, material_coop, verbal_conflict, material_conflict)
       SELECT c.source, c.target, c.day, count(*), sum(c.goldstein), count(*) FILTER (WHERE quad = 1), count(*) FILTER (WHERE quad = 2),
              count(*) FILTER (WHERE quad = 3), count(*) FILTER (WHERE quad = 4)
         FROM dyad_contributions_v1 c JOIN jsonb_to_recordset($1::jsonb) AS k(source text, target text, day date)
           ON c.source = k.source AND c.target = k.target AND c.day = k.day
        GROUP BY c.source, c.target, c.day`,
      [keys],
    );
  }
}

/** The dyad_contributions_v1 rows of one fact: one per (source, target) pair and coded act. */
export function dyadContributions(fact: ResolvedFact) {
  const e = fact.effective!;
  if (e.modality?.negated || e.modality?.hypothetical) return [];
  const codes = [effectiveCodes(e), ...impliedCodes(e)].filter((c): c is NonNullable<typeof c> => !!c && cameoQuad(c.cameo) !== null);
  if (!codes.length) return [];
  const principals = (roles: string[]) => [...new Set(fact.voices.filter((v) => roles.includes(v.role) && v.counted && v.principal).map((v) => v.principal!))];
  const pairs: [string, string][] = [];
  if (MEETING_TYPES.has(e.type)) {
    const everyone = principals(['actor', 'participant', 'recipient']);
    for (const a of everyone) for (const b of everyone) if (a !== b) pairs.push([a, b]);
  } else {
    for (const a of principals(['actor'])) for (const b of principals(['recipient', 'by'])) if (a !== b) pairs.push([a, b]);
  }
  const day = new Date(occurredStart(e.occurredAt) ?? 0).toISOString().slice(0, 10);
  return pairs.flatMap(([source, target]) =>
    codes.map((c, seq) => ({ event_id: e.eventId, source, target, seq, day, cameo: c.cameo, goldstein: c.goldstein, quad: cameoQuad(c.cameo) })),
  );
}
