import { EVENT_TYPES } from '@ledger/contracts';
import { GetCatalogController } from './get-catalog.controller';

describe('GET /v1/catalog', () => {
  const document = new GetCatalogController().get();

  it('describes the envelope and lists every type of the catalog, in catalog order', () => {
    expect(document.envelope).toMatchObject({ title: 'EventEnvelope', type: 'object' });
    expect(document.events.map((e) => e.type)).toEqual([...EVENT_TYPES]);
  });

  it('gives each type its schema, default codes and an example of itself', () => {
    const accepted = document.events.find((e) => e.type === 'ProposalAccepted')!;
    expect(accepted).toMatchObject({ schemaVersion: 1, requiresProposal: true, example: { type: 'ProposalAccepted' } });
    expect(accepted.defaultCodes.map((c) => c.cameo)).toEqual(['0356', '032']);
    expect(accepted.dataSchema).toMatchObject({ type: 'object', required: ['version'] });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});
