import { EventEnvelope } from '@ledger/contracts';
import { RegistryFact, registryRows, rollupContextOf } from './registry.fold';

let n = 0;
function fact(type: string, day: string, data: Record<string, unknown>, offset = String(n++)): RegistryFact {
  const eventId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const effective = {
    eventId,
    type,
    schemaVersion: 1,
    occurredAt: { value: day, precision: 'day' },
    actors: [{ actorId: 'x' }],
    source: { publisher: 't' },
    data,
  } as unknown as EventEnvelope;
  return { eventId, type, partition: 0, offset, effective };
}

describe('registry rules (registry.fold)', () => {
  it('keeps the latest registration of an id in fold order, whatever order the facts come in', () => {
    const older = fact('ActorRegistered', '2025-01-01', { id: 'peskov', kind: 'person', name: 'D. Peskov' });
    const newer = fact('ActorRegistered', '2025-02-01', { id: 'peskov', kind: 'person', name: 'Dmitry Peskov', aliases: ['Peskov'] });
    for (const facts of [
      [older, newer],
      [newer, older],
    ]) {
      const { actors } = registryRows(facts);
      expect(actors).toEqual([
        { id: 'peskov', kind: 'person', name: 'Dmitry Peskov', aliases: ['Peskov'], iso3: null, principal: null, members: null, basis_event_id: newer.eventId },
      ]);
    }
  });

  it('closes an affiliation by the earliest matching end, or its own validTo when that comes first', () => {
    const asserted = fact('AffiliationAsserted', '2017-01-20', { person: 'trump', of: 'USA', role: 'head_of_state', validFrom: '2017-01-20' });
    const late = fact('AffiliationEnded', '2021-01-20', { person: 'trump', of: 'USA', role: 'head_of_state', validTo: '2021-06-01' });
    const end = fact('AffiliationEnded', '2021-01-20', { person: 'trump', of: 'USA', role: 'head_of_state', validTo: '2021-01-20' });
    const otherRole = fact('AffiliationEnded', '2019-01-01', { person: 'trump', of: 'USA', role: 'foreign_minister', validTo: '2019-01-01' });
    const { affiliations } = registryRows([late, asserted, otherRole, end]);
    expect(affiliations).toEqual([
      { event_id: asserted.eventId, person: 'trump', of: 'USA', role: 'head_of_state', valid_from: '2017-01-20', asserted_to: null, valid_to: '2021-01-20', ended_by: end.eventId },
    ]);
    const bounded = fact('AffiliationAsserted', '2017-01-20', { person: 'tillerson', of: 'USA', role: 'foreign_minister', validFrom: '2017-02-01', validTo: '2018-03-31' });
    const after = fact('AffiliationEnded', '2018-04-30', { person: 'tillerson', of: 'USA', role: 'foreign_minister', validTo: '2018-04-30' });
    expect(registryRows([bounded, after]).affiliations[0]).toMatchObject({ asserted_to: '2018-03-31', valid_to: '2018-03-31', ended_by: after.eventId });
  });

  it('answers the roll-up context the voices are resolved with', () => {
    const rows = registryRows([
      fact('ActorRegistered', '2025-01-01', { id: 'RUS', kind: 'state', name: 'Russia', iso3: 'RUS' }),
      fact('AffiliationAsserted', '2025-01-01', { person: 'putin', of: 'RUS', role: 'head_of_state', validFrom: '2000-05-07' }),
    ]);
    const ctx = rollupContextOf(rows.actors, rows.affiliations);
    expect(ctx.actor('RUS')).toEqual({ id: 'RUS', kind: 'state', principal: undefined, members: undefined });
    expect(ctx.affiliations('putin')).toEqual([expect.objectContaining({ of: 'RUS', role: 'head_of_state', validFrom: '2000-05-07', validTo: undefined })]);
    expect(ctx.affiliations('nobody')).toEqual([]);
  });
});
