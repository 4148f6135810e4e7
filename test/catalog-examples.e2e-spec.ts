import { CATALOG, catalogEntries, EVENT_TYPES, occurredStart, OccurredAt } from '@ledger/contracts';
import { TokenStore } from '@ledger/ledger-store';
import { eventually, http, createTestContext, startTestApp, TestContext } from '@ledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

type Body = Record<string, any>;
const PROPOSAL = 'us-30-day-ceasefire-2025';
const example = (type: string): Body => CATALOG[type].example as Body;
const idOf = (type: string): string => example(type).eventId;
const dayOf = (type: string): string => new Date(occurredStart(example(type).occurredAt as OccurredAt)!).toISOString().slice(0, 10);

// Every example of GET /v1/catalog, published through the ingest API one after the other in the
// catalog's order into a fresh ledger, is accepted and applied, and has the effect its description
// states: each is checked by comparing the ledger as known just before the example was recorded
// with the ledger as known once it was (knownAt), so later examples cannot hide or fake an effect.
// Valid times matter here: an example dated (by its precision) before what it refers to would fold
// first and change nothing.
describe('the catalog examples, loaded in order into a fresh ledger', () => {
  let ctx: TestContext;
  let app: { url: string; close(): Promise<void> };
  let token: string;
  const recordedAt = new Map<string, string>();

  const get = async (path: string, params: Record<string, string | undefined> = {}): Promise<{ status: number; body: Body }> => {
    const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    const res = await http('GET', `${app.url}${path}${query.size ? `?${query}` : ''}`, { token });
    expect([path, res.status]).toEqual([path, expect.any(Number)]);
    return { status: res.status, body: res.body as Body };
  };
  const ok = async (path: string, params: Record<string, string | undefined> = {}): Promise<Body> => {
    const res = await get(path, params);
    expect([path, params, res.status]).toEqual([path, params, 200]);
    return res.body;
  };
  /** The ledger as known just before the example of `type` was recorded, and as known once it was. */
  const around = (type: string) => ({ before: new Date(Date.parse(recordedAt.get(type)!) - 1).toISOString(), after: recordedAt.get(type)! });
  const position = (party: string, knownAt: string, asOf?: string) => ok('/v1/positions', { party, proposal: PROPOSAL, knownAt, asOf });
  const proposal = (knownAt: string) => get(`/v1/proposals/${PROPOSAL}`, { knownAt });
  const statement = async (eventId: string, knownAt: string) => ((await ok('/v1/statements', { knownAt, limit: '100' })).items as Body[]).find((s) => s.eventId === eventId);
  const threat = async (knownAt: string, asOf?: string) => ((await ok('/v1/threats', { knownAt, asOf })).items as Body[]).find((t) => t.threatId === idOf('SanctionThreatened'));
  /** Events between states on one day, summed over every directed pair. */
  const dyadEvents = async (day: string, knownAt: string) => {
    const to = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return ((await ok('/v1/dyads', { from: day, to, interval: 'day', knownAt })).items as Body[]).reduce((n, d) => n + d.events, 0);
  };
  /** A coded act between states shows in the dyads of its day. */
  const countsInDyads = async (type: string) => {
    const { before, after } = around(type);
    expect((await dyadEvents(dayOf(type), after)) - (await dyadEvents(dayOf(type), before))).toBeGreaterThan(0);
  };
  /** An act that "moves lean only": the party's lean on the proposal changes, its category does not. */
  const movesLeanOnly = async (type: string, party: string) => {
    const { before, after } = around(type);
    const [was, is] = [await position(party, before, dayOf(type)), await position(party, after, dayOf(type))];
    expect(is.lean).not.toBe(was.lean);
    expect(is.category).toBe(was.category);
  };

  /** What each example's description says it does, checked. */
  const EFFECTS: Record<string, () => Promise<void>> = {
    ActorRegistered: async () => {
      const { before, after } = around('ActorRegistered');
      expect((await get('/v1/parties/RUS', { knownAt: before })).status).toBe(404);
      expect(await ok('/v1/parties/RUS', { knownAt: after })).toMatchObject({ id: 'RUS', kind: 'state', name: 'Russian Federation', registered: true });
    },
    AffiliationAsserted: async () => {
      const role = ((await ok('/v1/parties/USA')).affiliations as Body[]).find((a) => a.eventId === idOf('AffiliationAsserted'));
      expect(role).toMatchObject({ person: 'trump', of: 'USA', role: 'head_of_state', validFrom: '2017-01-20' });
    },
    AffiliationEnded: async () => {
      const role = ((await ok('/v1/parties/USA')).affiliations as Body[]).find((a) => a.eventId === idOf('AffiliationAsserted'));
      expect(role).toMatchObject({ validTo: '2021-01-20', endedBy: idOf('AffiliationEnded') });
    },
    StatementMade: async () => {
      const { before, after } = around('StatementMade');
      expect(await statement(idOf('StatementMade'), before)).toBeUndefined();
      expect((await statement(idOf('StatementMade'), after))?.parties).toContain('USA');
    },
    ProposalMade: async () => {
      const { before, after } = around('ProposalMade');
      expect((await proposal(before)).status).toBe(404);
      expect((await proposal(after)).body.proposer).toBe('USA');
      expect((await position('USA', after)).category).toBe('PROPOSER');
    },
    ProposalAmended: async () => {
      const { before, after } = around('ProposalAmended');
      expect((await proposal(before)).body.version).toBe(1);
      const amended = (await proposal(after)).body;
      expect(amended.version).toBe(2);
      // In fold order the amendment comes after the proposal it amends.
      expect(amended.versions.map((v: Body) => v.version)).toEqual([1, 2]);
    },
    ProposalAccepted: async () => {
      const { before, after } = around('ProposalAccepted');
      expect((await position('UKR', before)).category).toBe('UNKNOWN');
      expect(await position('UKR', after)).toMatchObject({ category: 'ACCEPTED', basisEventId: idOf('ProposalAccepted') });
    },
    ProposalAcceptedConditionally: async () => {
      const { before, after } = around('ProposalAcceptedConditionally');
      expect((await position('RUS', before)).category).toBe('UNKNOWN');
      expect(await position('RUS', after)).toMatchObject({ category: 'CONDITIONAL', openConditions: 4 });
    },
    ConditionStated: async () => {
      const { before, after } = around('ConditionStated');
      const stated = example('ConditionStated').data.condition;
      const find = async (knownAt: string) => ((await position('RUS', knownAt)).conditions as Body[]).find((c) => c.conditionId === stated.conditionId);
      expect((await find(before))?.statedBy).toBe(idOf('ProposalAcceptedConditionally'));
      expect(await find(after)).toMatchObject({ text: stated.text, status: 'open', statedBy: idOf('ConditionStated') });
    },
    ConditionResolved: async () => {
      const { before, after } = around('ConditionResolved');
      const { conditionId, resolution } = example('ConditionResolved').data;
      expect((await position('RUS', before)).openConditions).toBe(4);
      const is = await position('RUS', after);
      expect(is).toMatchObject({ category: 'CONDITIONAL', openConditions: 3 });
      expect(is.conditions.find((c: Body) => c.conditionId === conditionId)).toMatchObject({ status: resolution, resolvedBy: idOf('ConditionResolved') });
    },
    ProposalRejected: async () => {
      const { before, after } = around('ProposalRejected');
      expect((await position('RUS', before)).category).toBe('CONDITIONAL');
      const is = await position('RUS', after);
      expect(is).toMatchObject({ category: 'REJECTED', openConditions: 0 });
      // The conditions still open are superseded by the rejection; the one resolved before stays so.
      const byStatus = (is.conditions as Body[]).map((c) => [c.status, c.resolvedBy]);
      expect(byStatus.filter(([s]) => s === 'superseded')).toEqual(Array(3).fill(['superseded', idOf('ProposalRejected')]));
      expect(byStatus.filter(([s]) => s !== 'superseded')).toEqual([[example('ConditionResolved').data.resolution, idOf('ConditionResolved')]]);
    },
    ProposalConsidered: async () => {
      const { before, after } = around('ProposalConsidered');
      const day = dayOf('ProposalConsidered');
      expect((await position('RUS', before, day)).category).toBe('UNKNOWN');
      expect(await position('RUS', after, day)).toMatchObject({ category: 'NONCOMMITTAL', basisEventId: idOf('ProposalConsidered') });
    },
    PositionWithdrawn: async () => {
      const { before, after } = around('PositionWithdrawn');
      expect((await position('UKR', before)).category).toBe('ACCEPTED');
      expect(await position('UKR', after)).toMatchObject({ category: example('PositionWithdrawn').data.newCategory, basisEventId: idOf('PositionWithdrawn') });
      // The acceptance it walks back still shows in the history, before it.
      const steps = (await ok('/v1/positions/history', { party: 'UKR', proposal: PROPOSAL, knownAt: after })).steps as Body[];
      expect(steps.map((s) => s.eventId)).toEqual([idOf('ProposalAccepted'), idOf('PositionWithdrawn')]);
    },
    AppealMade: () => movesLeanOnly('AppealMade', 'USA'),
    DemandIssued: () => movesLeanOnly('DemandIssued', 'UKR'),
    CriticismIssued: () => movesLeanOnly('CriticismIssued', 'UKR'),
    AccusationMade: () => movesLeanOnly('AccusationMade', 'UKR'),
    SanctionThreatened: async () => {
      const { before, after } = around('SanctionThreatened');
      expect(await threat(before)).toBeUndefined();
      expect(await threat(after, dayOf('SanctionThreatened'))).toMatchObject({ status: 'armed', by: 'USA', against: ['RUS'] });
      // RUS's rejection (recorded earlier) is the trigger it names.
      expect(await threat(after)).toMatchObject({ status: 'triggered', triggeredBy: idOf('ProposalRejected') });
    },
    SanctionImposed: async () => {
      const { before, after } = around('SanctionImposed');
      expect((await threat(before))?.status).toBe('triggered');
      expect(await threat(after)).toMatchObject({ status: 'executed', executedBy: idOf('SanctionImposed') });
    },
    SanctionEased: () => countsInDyads('SanctionEased'),
    MeetingIntended: () => countsInDyads('MeetingIntended'),
    MeetingHeld: () => countsInDyads('MeetingHeld'),
    NegotiationHeld: () => countsInDyads('NegotiationHeld'),
    CeasefireDeclared: () => countsInDyads('CeasefireDeclared'),
    CeasefireViolationAlleged: () => countsInDyads('CeasefireViolationAlleged'),
    AgreementSigned: () => countsInDyads('AgreementSigned'),
    EventCorrected: async () => {
      const { before, after } = around('EventCorrected');
      expect((await proposal(before)).body.madeAt).toEqual(example('ProposalMade').occurredAt);
      expect((await proposal(after)).body.madeAt).toEqual(example('EventCorrected').data.patch.occurredAt);
    },
    EventRetracted: async () => {
      const { before, after } = around('EventRetracted');
      expect(example('EventRetracted').data.targetEventId).toBe(idOf('CeasefireViolationAlleged'));
      const day = dayOf('CeasefireViolationAlleged');
      expect(await dyadEvents(day, before)).toBeGreaterThan(0);
      expect(await dyadEvents(day, after)).toBe(0);
    },
    CitationAdded: async () => {
      const { before, after } = around('CitationAdded');
      const { targetEventId, citation } = example('CitationAdded').data;
      expect((await statement(targetEventId, before))?.citations ?? []).not.toContainEqual(expect.objectContaining({ url: citation.url }));
      expect((await statement(targetEventId, after))?.citations).toContainEqual(expect.objectContaining({ url: citation.url }));
    },
  };

  beforeAll(async () => {
    ctx = await createTestContext();
    token = (await new TokenStore(ctx.pool).create({ name: 'catalog-examples', scopes: ['publish', 'read'], ratePerSec: 100_000 })).token;
    app = await startTestApp(ctx, [IngestApiModule, ProjectorModule, QueryApiModule]);
    for (const entry of catalogEntries()) {
      const { source: _source, ...body } = structuredClone(entry.example) as Body;
      const res = await http('POST', `${app.url}/v1/events`, { json: body, token });
      expect([entry.type, res.status]).toEqual([entry.type, 202]);
      // One at a time: each example has a record time of its own, after the one before.
      const applied = await eventually(async () => {
        const status = await http('GET', `${app.url}/v1/events/${body.eventId}`, { token });
        return status.body?.status === 'applied' ? (status.body as Body) : undefined;
      }, 20_000);
      recordedAt.set(entry.type, applied.recordedAt);
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('checks an effect for every type of the catalog, and every example was accepted and applied', () => {
    expect(Object.keys(EFFECTS).sort()).toEqual([...EVENT_TYPES].sort());
    expect([...recordedAt.keys()]).toEqual(catalogEntries().map((e) => e.type));
  });

  it.each([...EVENT_TYPES])('%s: the example has the effect its description states', async (type) => {
    await EFFECTS[type]();
  });
});
