import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { readModelDigest } from './digest';
import { createPool, inTransaction, migrate } from '@ledger/postgres';
import { applyRecorded, createTestDatabase, recordAll, seedEnvelopes } from '@ledger/testing';
import { RecordedEvent } from '@ledger/contracts';
import { ReadModels } from './read-models';
import { listStatements, STATEMENT_SEARCH } from './statements/statements.queries';
import { positionAt, stances } from './positions/positions.queries';
import { LEDGER_MIGRATIONS_DIR, LEDGER_SCHEMA } from '@ledger/ledger-store';
import { READ_MIGRATIONS_DIR, READ_SCHEMA } from './schemas';

// The seed case folded by the real projection SQL on a real server (DOMAIN.md §5).
describe('read models of the seed case', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  const P1 = 'us-30-day-ceasefire-2025';

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool(db.url);
    await migrate(pool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
    await migrate(pool, READ_SCHEMA, READ_MIGRATIONS_DIR);
    const models = new ReadModels();
    const events = recordAll(seedEnvelopes());
    for (let i = 0; i < events.length; i += 7) await inTransaction(pool, (c) => applyRecorded(c, events.slice(i, i + 7), models));
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const rows = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows;

  it('gives USA PROPOSER, UKR ACCEPTED and RUS CONDITIONAL with four open conditions', async () => {
    const positions = await rows(`SELECT party, category, score::float, open_conditions FROM read_model.party_positions_v1 WHERE proposal_id = $1 ORDER BY party`, [P1]);
    expect(positions).toEqual([
      { party: 'RUS', category: 'CONDITIONAL', score: 0.1, open_conditions: 4 },
      { party: 'UKR', category: 'ACCEPTED', score: 1, open_conditions: 0 },
      { party: 'USA', category: 'PROPOSER', score: 1, open_conditions: 0 },
    ]);
  });

  it('arms one sanction threat, USA against RUS, triggered by RUS rejecting the proposal', async () => {
    expect(await rows(`SELECT by_party, against, trigger_party, trigger_type, triggered_by, executed_by FROM read_model.threats_v1`)).toEqual([
      { by_party: 'USA', against: ['RUS'], trigger_party: 'RUS', trigger_type: 'ProposalRejected', triggered_by: null, executed_by: null },
    ]);
  });

  it("moves UKR's lean with Zelensky's accusation, never its category", async () => {
    expect(await rows(`SELECT party, sum(goldstein)::float AS g FROM read_model.tonal_events_v1 WHERE proposal_id = $1 GROUP BY party ORDER BY party`, [P1])).toEqual([
      { party: 'RUS', g: 0.4 },
      { party: 'UKR', g: -2 },
      // appeal 020 (+3.0) + threat 1312 (−5.8) + optimistic statement 013 (+0.4)
      { party: 'USA', g: -2.4 },
    ]);
  });

  it('migration 0015 turns voices stored as objects (as earlier versions stored them) into exactly what the fold stores', async () => {
    const now = await readModelDigest(pool);
    await inTransaction(pool, async (c) => {
      await c.query(`SET LOCAL search_path = ${READ_SCHEMA}`);
      await c.query(`CREATE FUNCTION pg_temp.as_objects(voices json) RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT AS $$
                       SELECT coalesce(jsonb_agg(jsonb_build_object('role', v->0, 'idx', v->1, 'actorId', v->2, 'person', v->3, 'principal', v->4,
                                                                    'authority', v->5, 'counted', v->6) ORDER BY n), '[]')
                         FROM json_array_elements(voices) WITH ORDINALITY AS x(v, n) $$`);
      await c.query(`ALTER TABLE events_v1 ALTER COLUMN voices TYPE jsonb USING pg_temp.as_objects(voices)`);
    });
    expect(await rows(`SELECT voices->0->>'principal' AS principal FROM read_model.events_v1 WHERE type = 'StatementMade' AND voices->0->>'actorId' = 'peskov'`)).toEqual([
      { principal: 'RUS' },
    ]);
    expect(await readModelDigest(pool)).not.toEqual(now);
    await inTransaction(pool, async (c) => {
      await c.query(`SET LOCAL search_path = ${READ_SCHEMA}`);
      await c.query(readFileSync(join(READ_MIGRATIONS_DIR, '0015_voices_as_arrays.sql'), 'utf8'));
    });
    expect(await readModelDigest(pool)).toEqual(now);
  });

  it('resolves Peskov through Putin to RUS', async () => {
    // A stored voice: [role, idx, actorId, person, principal, authority, counted].
    const voices = await rows(`SELECT v->>3 AS person, v->>4 AS principal, (v->>5)::int AS authority
                                 FROM read_model.events_v1 e, json_array_elements(e.voices) v
                                WHERE v->>2 = 'peskov' AND e.type = 'StatementMade'`);
    expect(voices).toEqual([{ person: 'peskov', principal: 'RUS', authority: 2 }]);
  });

  it('counts directed dyads, with the meeting in Moscow both ways', async () => {
    const dyads = await rows(`SELECT source, target, sum(events)::int AS n FROM read_model.dyads_v1 GROUP BY source, target ORDER BY source, target`);
    expect(dyads).toEqual(
      expect.arrayContaining([
        { source: 'USA', target: 'RUS', n: expect.any(Number) },
        { source: 'RUS', target: 'USA', n: expect.any(Number) },
      ]),
    );
    expect(dyads.find((d) => d.source === 'USA' && d.target === 'USA')).toBeUndefined();
  });

  it("searches statements' words, stemmed, in phrases and quotes, through the search index", async () => {
    const found = async (q: string) => (await listStatements(pool, { q, limit: 10 })).items.map((s) => s.text.slice(0, 20));
    const trump = 'We had very good and';
    const peskov = 'When Mr. Witkoff del';
    expect(await found('talk')).toEqual([trump]); // "talks", stemmed
    expect(await found('"cautious optimism"')).toEqual([peskov]);
    expect(await found('optimism -witkoff')).toEqual([]);
    expect(await found('witkoff OR bloody')).toEqual(expect.arrayContaining([trump, peskov]));
    expect(await found('ceasefire truce armistice')).toEqual([]);
    // The query's expression is the index's (migration 0016): with sequential and plain index scans
    // off, the planner can only answer it from statements_v1_search.
    const plan = await inTransaction(pool, async (c) => {
      await c.query('SET LOCAL enable_seqscan = off');
      await c.query('SET LOCAL enable_indexscan = off');
      const res = await c.query(`EXPLAIN SELECT event_id FROM read_model.statements_v1 WHERE ${STATEMENT_SEARCH} @@ websearch_to_tsquery('english', 'talks')`);
      return res.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('Bitmap Index Scan on statements_v1_search');
  });

  it('names the proposal with its proposer', async () => {
    expect(await rows(`SELECT id, kind, proposer, version, duration_days FROM read_model.proposals_v1`)).toEqual([
      { id: P1, kind: 'ceasefire', proposer: 'USA', version: 1, duration_days: 30 },
    ]);
  });

  it('keeps the step series: RUS went from UNKNOWN to CONDITIONAL on 13 March', async () => {
    const steps = await rows(`SELECT occurred_value, category, changed FROM read_model.position_history_v1 WHERE party = 'RUS' AND proposal_id = $1 ORDER BY occurred_start`, [P1]);
    expect(steps.filter((s) => s.changed)).toEqual([{ occurred_value: '2025-03-13', category: 'CONDITIONAL', changed: true }]);
  });

  it('answers a live position in one statement as the every-party path answers it, lean and basis included', async () => {
    for (const asOf of ['2025-03-12T12:00:00Z', '2025-03-20T00:00:00Z', '2025-03-26T00:00:00Z', '2026-01-01T00:00:00Z'].map((t) => new Date(t))) {
      const all = await stances(pool, { proposalId: P1 }, asOf);
      for (const party of ['RUS', 'UKR', 'USA']) {
        const expected = all.find((v) => v.party === party) ?? expect.objectContaining({ category: 'UNKNOWN', basis: null });
        expect(await positionAt(pool, party, P1, asOf, null)).toEqual(expected);
      }
    }
    const ukr = await positionAt(pool, 'UKR', P1, new Date('2025-03-26T00:00:00Z'), null);
    expect(ukr).toMatchObject({ category: 'ACCEPTED', lean: -0.2, basis: { type: expect.any(String), quote: expect.any(String) } });
    // A pair the ledger knows nothing of: UNKNOWN, no basis, no lean.
    expect(await positionAt(pool, 'FRA', P1, new Date('2025-03-26T00:00:00Z'), null)).toMatchObject({ category: 'UNKNOWN', score: null, lean: 0, basis: null, version: null });
  });

  it('is the same whatever order the events arrive in', async () => {
    const digest = async (p: Pool) => (await p.query(DIGEST)).rows;
    const other = await createTestDatabase();
    const otherPool = createPool(other.url);
    try {
      await migrate(otherPool, LEDGER_SCHEMA, LEDGER_MIGRATIONS_DIR);
      await migrate(otherPool, READ_SCHEMA, READ_MIGRATIONS_DIR);
      const events: RecordedEvent[] = recordAll(seedEnvelopes()).reverse();
      for (const e of events) await inTransaction(otherPool, (c) => applyRecorded(c, [e]));
      expect(await digest(otherPool)).toEqual(await digest(pool));
    } finally {
      await otherPool.end();
      await other.drop();
    }
  });
});

const DIGEST = `SELECT table_name, (xpath('/row/d/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, E''\\n'' ORDER BY t::text), '''')) AS d FROM read_model.%I t', table_name), false, false, '')))[1]::text AS digest
  FROM information_schema.tables WHERE table_schema = 'read_model' AND table_name LIKE '%\\_v1' ORDER BY table_name`;
