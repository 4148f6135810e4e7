import { PoolClient } from 'pg';
import { FactChange, ResolvedFact } from '../facts/fact';
import { Projection } from '../projection';
import { dyadContributions } from './dyads.fold';

/**
 * Directed dyads per day: each event counts once per (source principal → target principal) and
 * coded act (a conditional acceptance adds one 10x demand per condition). Sources are the actors,
 * targets the recipients (and the accused of a violation); a meeting's participants pair up both
 * ways. Commentators and unresolved voices never count, nor does a party toward itself.
 */
export class DyadsProjection implements Projection {
  readonly name = 'dyads_v1';

  async refresh(client: PoolClient, changes: FactChange[]): Promise<void> {
    // What a changed event contributed before is derived again from what the read models had
    // derived it from (its previous effective form and voices), and taken back.
    const old = changes.flatMap((c) =>
      c.previous && c.previousVoices ? dyadContributions({ ...(c.after ?? placeholder(c)), effective: c.previous, voices: c.previousVoices } as ResolvedFact) : [],
    );
    const fresh = changes.flatMap((c) => (c.after?.effective ? dyadContributions(c.after) : []));
    if (!old.length && !fresh.length) return;
    // Cells are additive: what was taken back counts -1, what is new +1, summed in SQL (numeric,
    // exact; trim_scale so that 3.4 + 10 - 3.4 reads 10, as a fresh fold has it). Another partition's batch may add to the same cells at
    // the same time: the upsert locks them in key order, so the two wait for each other, never
    // deadlock, and neither overwrites the other's counts.
    const signed = [
      ...old.map((c) => ({ ...c, sign: -1 })),
      ...fresh.map((c) => ({ source: c.source, target: c.target, day: c.day, goldstein: c.goldstein, quad: c.quad, sign: 1 })),
    ];
    await client.query(
      `INSERT INTO dyads_v1 AS d (source, target, day, events, goldstein_sum, verbal_coop, material_coop, verbal_conflict, material_conflict)
       SELECT source, target, day, sum(sign), trim_scale(sum(sign * goldstein)), coalesce(sum(sign) FILTER (WHERE quad = 1), 0), coalesce(sum(sign) FILTER (WHERE quad = 2), 0),
              coalesce(sum(sign) FILTER (WHERE quad = 3), 0), coalesce(sum(sign) FILTER (WHERE quad = 4), 0)
         FROM jsonb_to_recordset($1::jsonb) AS r(source text, target text, day date, goldstein numeric, quad smallint, sign int)
        GROUP BY source, target, day
        ORDER BY source, target, day
       ON CONFLICT (source, target, day) DO UPDATE SET events = d.events + excluded.events, goldstein_sum = trim_scale(d.goldstein_sum + excluded.goldstein_sum),
              verbal_coop = d.verbal_coop + excluded.verbal_coop, material_coop = d.material_coop + excluded.material_coop,
              verbal_conflict = d.verbal_conflict + excluded.verbal_conflict, material_conflict = d.material_conflict + excluded.material_conflict`,
      [JSON.stringify(signed)],
    );
    if (old.length) {
      // A cell nothing counts in any more is gone, as a fresh fold would have it.
      await client.query(
        `DELETE FROM dyads_v1 d USING jsonb_to_recordset($1::jsonb) AS k(source text, target text, day date)
          WHERE d.source = k.source AND d.target = k.target AND d.day = k.day AND d.events = 0`,
        [JSON.stringify(old.map(({ source, target, day }) => ({ source, target, day })))],
      );
    }
  }
}

/** A change's fact when it no longer counts (retracted): only its identity is needed to take back what it contributed. */
function placeholder(c: FactChange) {
  return { eventId: c.eventId, type: c.type, partition: 0, offset: '0', recordedAt: '', envelope: c.previous, previous: null };
}
