import { EventEnvelope } from '@ledger/contracts';
import { namedActors } from './event-voices';

const envelope = (e: Partial<EventEnvelope> & { data: Record<string, unknown> }) => ({ actors: [], ...e }) as unknown as EventEnvelope;

describe('namedActors', () => {
  it('lists every id an event names, in any role, once each, in the order of the roles', () => {
    const e = envelope({
      actors: [{ actorId: 'peskov', onBehalfOf: 'RUS' }, { actorId: 'lavrov' }],
      recipients: [{ actorId: 'UKR' }, { actorId: 'umerov', onBehalfOf: 'UKR' }],
      data: { participants: ['witkoff', 'peskov'], signatories: ['RUS', 'USA'], trigger: { party: 'FRA' }, by: 'EU', host: 'SAU', mediator: 'TUR' },
    });
    expect(namedActors(e)).toEqual(['peskov', 'RUS', 'lavrov', 'UKR', 'umerov', 'witkoff', 'USA', 'FRA', 'EU', 'SAU', 'TUR']);
  });

  it('skips what is absent or not an id', () => {
    expect(namedActors(envelope({ actors: [{ actorId: 'RUS' }], data: { text: 'x', trigger: { eventType: 'ProposalRejected' }, host: 3 } }))).toEqual(['RUS']);
  });
});
