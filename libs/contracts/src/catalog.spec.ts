import { CATALOG, catalogEntries, findDefinition } from './catalog';
import { isKnownCameo } from './cameo';
import { EVENT_TYPES } from './event-types';
import { validateEnvelope } from './validate';

const definitions = Object.values(CATALOG);

describe('the catalog', () => {
  it('holds every v1 type of DOMAIN.md §3, keyed by its type name', () => {
    expect(Object.keys(CATALOG).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [key, def] of Object.entries(CATALOG)) expect(def.type).toBe(key);
  });

  it('is frozen, definitions included', () => {
    expect(Object.isFrozen(CATALOG)).toBe(true);
    expect(() => ((CATALOG as Record<string, unknown>).Invented = {})).toThrow(TypeError);
    expect(Object.isFrozen(CATALOG.ProposalAccepted)).toBe(true);
  });

  it('finds own types only, not inherited keys', () => {
    expect(findDefinition('ProposalAccepted')).toBe(CATALOG.ProposalAccepted);
    expect(findDefinition('toString')).toBeUndefined();
    expect(findDefinition('proposalAccepted')).toBeUndefined();
  });

  it('starts every type at schema version 1 with no upcasters', () => {
    for (const def of definitions) expect([def.type, def.schemaVersion, def.upcasters]).toEqual([def.type, 1, {}]);
  });

  it('codes only with known CAMEO codes', () => {
    for (const def of definitions) {
      for (const rule of [...def.defaultCodeRules, ...(def.implied?.rules ?? [])]) expect([def.type, isKnownCameo(rule.cameo)]).toEqual([def.type, true]);
    }
  });
});

describe.each(definitions.map((def) => [def.type, def] as const))('the %s example', (type, def) => {
  const result = validateEnvelope({ ...def.example, source: { ...def.example.source, publisher: 'seed-loader' } });

  it('is a valid envelope of its own type', () => {
    expect(result).toMatchObject({ ok: true, event: { type } });
  });

  it('names a proposal exactly when the type requires one, and never repeats it in data', () => {
    if (def.requiresProposal) expect(def.example.proposalId).toBe('us-30-day-ceasefire-2025');
    expect(Object.keys(def.example.data as object)).not.toContain('proposalId');
  });

  it('gets default codes when its type is coded', () => {
    const codes = def.defaultCodes(def.example.data);
    if (def.defaultCodeRules.length) expect(codes && isKnownCameo(codes.cameo)).toBe(true);
    else expect(codes).toBeUndefined();
  });
});

describe('catalogEntries', () => {
  const entries = catalogEntries();

  it('describes every type in catalog order', () => {
    expect(entries.map((e) => e.type)).toEqual([...EVENT_TYPES]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ schemaVersion: 1, description: expect.any(String), requiresProposal: expect.any(Boolean) });
      expect(entry.dataSchema).toMatchObject({ type: 'object' });
      expect(entry.example.type).toBe(entry.type);
    }
  });

  it('lists data-dependent defaults as ordered alternatives with their condition', () => {
    const made = entries.find((e) => e.type === 'ProposalMade')!;
    expect(made.defaultCodes).toEqual([
      { cameo: '0256', label: 'Appeal for de-escalation of military engagement', goldstein: -0.3, quad: 1, when: 'data.proposal.kind is ceasefire' },
      { cameo: '027', label: 'Appeal to others to settle dispute', goldstein: 4, quad: 1, when: 'data.thirdParty is true' },
      { cameo: '020', label: 'Appeal, not specified', goldstein: 3, quad: 1, when: 'otherwise' },
    ]);
    expect(entries.find((e) => e.type === 'DemandIssued')!.defaultCodes).toEqual([{ cameo: '100', label: 'Demand, not specified', goldstein: -5, quad: 3 }]);
    expect(entries.find((e) => e.type === 'ActorRegistered')!.defaultCodes).toEqual([]);
  });

  it('shows the demand each condition of a conditional acceptance implies', () => {
    const conditional = entries.find((e) => e.type === 'ProposalAcceptedConditionally')!;
    expect(conditional.impliedCodes?.per).toMatch(/condition/);
    expect(conditional.impliedCodes?.codes.map((c) => [c.cameo, c.goldstein])).toEqual([
      ['1056', -5],
      ['1042', -5],
      ['100', -5],
    ]);
    expect(entries.filter((e) => e.impliedCodes).map((e) => e.type)).toEqual(['ProposalAcceptedConditionally']);
  });
});
