import fc from 'fast-check';
import { RecordedEvent } from '@ledger/contracts';
import { buildLog, logArb } from '../__tests__/random-log';
import { isModifier } from '../facts/fact';
import { registryRows, rollupContextOf } from '../registry/registry.fold';
import { threatRows } from '../threats/threats.fold';
import { AHEAD_TYPES, EVENT_TABLES, EventRow, factOf, knownRow, LogFold, STATE_TABLES } from './log-fold';

function rowsOf(log: RecordedEvent[]): EventRow[] {
  return log
    .map(({ recordedAt, partition, offset, ...envelope }) =>
      knownRow({ event_id: envelope.eventId, type: envelope.type, partition, offset, recorded_at: new Date(recordedAt), envelope }),
    )
    .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/** Every table of a fold over `rows`, added `chunk` records at a time; each table's rows as sorted JSON. */
function tables(rows: EventRow[], chunk: number): Record<string, string[]> {
  const fold = new LogFold(rows.filter((r) => AHEAD_TYPES.includes(r.type)));
  const out: Record<string, string[]> = Object.fromEntries(EVENT_TABLES.map((t) => [t, []]));
  for (let i = 0; i < rows.length; i += chunk) fold.add(rows.slice(i, i + chunk), (table, row) => out[table].push(JSON.stringify(row)));
  for (const t of STATE_TABLES) out[t] = [...fold.state(t)].map((r) => JSON.stringify(r));
  for (const t of Object.keys(out)) out[t].sort();
  return out;
}

describe('LogFold', () => {
  it('gives the same tables however the log is split into chunks', () => {
    fc.assert(
      fc.property(logArb, fc.integer({ min: 1, max: 7 }), (items, chunk) => {
        const rows = rowsOf(buildLog(items));
        expect(tables(rows, chunk)).toEqual(tables(rows, rows.length || 1));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps of the acts only those a threat needs: its threats equal threatRows over every fact', () => {
    fc.assert(
      fc.property(logArb, (items) => {
        // Without modifiers every effective form is the envelope: the facts are easy to make here.
        const rows = rowsOf(buildLog(items)).filter((r) => !isModifier(r.type));
        const registry = registryRows(rows.map((r) => ({ eventId: r.event_id, type: r.type, partition: r.partition, offset: r.offset, effective: r.envelope })));
        const ctx = rollupContextOf(registry.actors, registry.affiliations);
        const facts = rows.map((r) => factOf(r, r.envelope, ctx));
        const expected = threatRows(facts)
          .map((t) => JSON.stringify(t))
          .sort();
        expect(tables(rows, 3).threats_v1).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('applies a correction and an affiliation recorded after the events they change', () => {
    const log = buildLog([
      { draft: { type: 'ProposalAccepted', data: { version: 1 }, proposal: true }, day: 4, proposal: 'p1', actors: 3, partition: 0 },
      { draft: { type: 'EventCorrected', data: { patch: { occurredAt: { value: '2025-03-02', precision: 'day' } } }, target: 0 }, day: 5, proposal: 'p1', actors: 0, partition: 1 },
      {
        draft: { type: 'AffiliationAsserted', data: { person: 'putin', of: 'RUS', role: 'head_of_state', validFrom: '2025-03-01' } },
        day: 5,
        proposal: 'p1',
        actors: 0,
        partition: 2,
      },
    ]);
    const out = tables(rowsOf(log), 1);
    const accepted = out.events_v1.map((r) => JSON.parse(r)).find((r) => r.type === 'ProposalAccepted');
    expect(accepted.occurred_start).toBe('2025-03-02T00:00:00.000Z');
    expect(accepted.voices).toEqual([['actor', 0, 'putin', 'putin', 'RUS', 1, true]]); // [role, idx, actorId, person, principal, authority, counted]
    const position = out.party_positions_v1.map((r) => JSON.parse(r));
    expect(position).toEqual([expect.objectContaining({ party: 'RUS', proposal_id: 'p1', category: 'ACCEPTED' })]);
  });
});
