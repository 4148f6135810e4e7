import { Pool } from 'pg';
import { CE_HEADERS, DEFAULT_TOPICS } from '@ledger/contracts';
import { KafkaEventLog } from '@ledger/log';
import { logEnds } from './ledger';
import { Outcome } from './load';

/**
 * One line per acknowledged event the read models lack, saying where it went: the load's answer
 * (when, how long, the partition and offset the 202 named), the ledger topic (every offset holding
 * its id, and which event the named offset holds instead), the ingest's receipt, the journal, the
 * rejections and the read model. A count alone cannot tell a write the log never kept from one the
 * projector skipped or one the count came too early for.
 */
export async function traceLost(pool: Pool, log: KafkaEventLog, outcomes: Outcome[], lostIds: string[], limit = 20): Promise<string[]> {
  const ids = lostIds.slice(0, limit);
  if (!ids.length) return [];
  const byId = new Map(outcomes.map((o) => [o.eventId, o]));
  const topic = await readTopic(log).catch((e: Error) => ({ error: e.message }));
  const { rows } = await pool.query<{ id: string; receipt: string | null; journal: string | null; rejections: string | null; in_model: boolean }>(
    `SELECT i.id::text AS id,
            (SELECT r.partition || '/' || r."offset" FROM ledger.ingest_receipts r WHERE r.event_id = i.id) AS receipt,
            (SELECT string_agg(j.partition || '/' || j."offset" || ' ' || j.disposition, ', ') FROM ledger.journal j WHERE j.event_id = i.id) AS journal,
            (SELECT string_agg(x.partition || '/' || x."offset" || ' ' || x.reason, ', ') FROM ledger.rejections x WHERE x.event_id = i.id) AS rejections,
            EXISTS (SELECT 1 FROM read_model.statements_v1 s WHERE s.event_id = i.id) AS in_model
       FROM unnest($1::uuid[]) AS i(id)`,
    [ids],
  );
  const db = new Map(rows.map((r) => [r.id, r]));
  const lines: string[] = [];
  for (const id of ids) {
    const o = byId.get(id);
    const r = db.get(id);
    const named = o?.partition !== undefined && o.offset !== undefined ? `${o.partition}/${o.offset}` : undefined;
    const answer = o ? `${o.status} at ${new Date(o.doneAt).toISOString()} after ${o.doneAt - o.sentAt} ms${named ? ` naming ${named}` : ''}` : 'not sent by this load';
    let inTopic: string;
    if ('error' in topic) inTopic = `topic not read (${topic.error})`;
    else {
      const held = topic.byId.get(id);
      inTopic = held?.length ? `in the topic at ${held.join(', ')}` : 'NOT in the topic';
      if (named && !held?.includes(named)) {
        const other = topic.byOffset.get(named);
        const otherAnswer = other ? byId.get(other) : undefined;
        inTopic += other
          ? `; ${named} holds ${other}${otherAnswer ? ` (answered ${otherAnswer.status}${otherAnswer.code ? ` ${otherAnswer.code}` : ''} at ${new Date(otherAnswer.doneAt).toISOString()}${otherAnswer.detail ? `: ${otherAnswer.detail}` : ''})` : ''}`
          : `; ${named} is past the topic's end`;
      }
    }
    lines.push(
      `${id}: answered ${answer}; ${inTopic}; receipt ${r?.receipt ?? 'none'}; journal ${r?.journal ?? 'none'}; rejections ${r?.rejections ?? 'none'}; ${r?.in_model ? 'in' : 'not in'} the read model`,
    );
  }
  if (lostIds.length > ids.length) lines.push(`… and ${lostIds.length - ids.length} more`);
  return lines;
}

/** Every record of the ledger topic up to its end now: offsets by event id (ce_id header) and event id by offset. */
async function readTopic(log: KafkaEventLog): Promise<{ byId: Map<string, string[]>; byOffset: Map<string, string> }> {
  const ends = await logEnds(log);
  const byId = new Map<string, string[]>();
  const byOffset = new Map<string, string>();
  await log.scan(DEFAULT_TOPICS.events, new Map([...ends].map(([p, high]) => [p, high.toString()])), async (batch) => {
    for (const m of batch.messages) {
      const id = (m.headers[CE_HEADERS.id] ?? '').toLowerCase();
      const at = `${batch.partition}/${m.offset}`;
      byOffset.set(at, id);
      byId.set(id, [...(byId.get(id) ?? []), at]);
    }
  });
  return { byId, byOffset };
}
