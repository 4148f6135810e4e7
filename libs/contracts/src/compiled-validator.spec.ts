import fc from 'fast-check';
import { CATALOG } from './catalog';
import { validateEnvelope } from './validate';
import { validateEnvelopeWithClasses } from './validate-classes';

type Json = any;
const TYPES = Object.keys(CATALOG);
const example = (type: string): Json => structuredClone({ ...CATALOG[type].example, source: { publisher: 'test-desk' } });

/** Every path of a value, objects and arrays included, the root excluded. */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...at, k], ...paths(value[k], [...at, k])]);
}

const long = (n: number) => 'x'.repeat(n);
/** Values near the rules' edges: lengths, dates, URLs, UUIDs, ids, code points class-validator counts its own way. */
const EDGE_VALUES: Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  11,
  1001,
  '',
  ' ',
  'a b',
  'x',
  long(64),
  long(65),
  long(128),
  long(129),
  long(200),
  long(201),
  long(2049),
  long(4001),
  long(10001),
  '\ufe0f'.repeat(3) + long(62),
  '😀'.repeat(33),
  'ftp://example.org/a',
  'http://localhost/a',
  'https://example.org/a',
  'HTTPS://example.org',
  'mailto:a@b.org',
  '2025-02-30',
  '2025-13-01',
  '2025-03-14',
  '2025-03-14T10:00:00Z',
  '2025-03-14T24:00:00Z',
  '2025-03-14 10:00:00Z',
  '2025-W11',
  '2025-W54',
  '2025-03',
  '2025',
  'urn:uuid:6f1c2a8e-1b7d-4c55-9a57-2f6a0f3b9d10',
  '6F1C2A8E-1B7D-4C55-9A57-2F6A0F3B9D10',
  '00000000-0000-0000-0000-000000000000',
  'exact',
  'day',
  'week',
  'month',
  '010',
  '0357',
  '0356',
  'RUS',
  'rus',
  'state_organ',
  'delegation',
  'neutral',
  'StatementMade',
  [],
  ['a'],
  ['a', 'a'],
  [{}],
  {},
  { value: '2025-03-14', precision: 'day' },
  { actorId: 'USA' },
];

/** Sixteen kinds of mutation, each applied at a path of the value. */
const MUTATIONS: Record<string, (parent: Json, key: string | number, pick: number) => void> = {
  delete: (p, k) => (Array.isArray(p) ? p.splice(k as number, 1) : delete p[k]),
  null: (p, k) => (p[k] = null),
  edge: (p, k, i) => (p[k] = structuredClone(EDGE_VALUES[i % EDGE_VALUES.length])),
  unknownKey: (p, k) => (typeof p[k] === 'object' && p[k] !== null ? (p[k].unexpected = 1) : (p.unexpected = 1)),
  number: (p, k, i) => (p[k] = [0, 1, -11, 3.25, 1e21][i % 5]),
  string: (p, k) => (p[k] = String(p[k])),
  wrapInArray: (p, k) => (p[k] = [p[k]]),
  unwrapArray: (p, k) => (p[k] = Array.isArray(p[k]) ? p[k][0] : p[k]),
  emptyObject: (p, k) => (p[k] = {}),
  duplicate: (p, k) => (Array.isArray(p[k]) ? p[k].push(structuredClone(p[k][0])) : (p[k] = [p[k], p[k]])),
  grow: (p, k, i) =>
    (p[k] = Array.isArray(p[k]) ? Array.from({ length: 18 + (i % 6) }, () => structuredClone(p[k][0] ?? 'x')) : typeof p[k] === 'string' ? p[k] + long(i % 300) : p[k]),
  upper: (p, k) => (p[k] = typeof p[k] === 'string' ? p[k].toUpperCase() : p[k]),
  swapDate: (p, k, i) => (p[k] = ['2025-03-10', '2025-03-31', '2024-02-29', '2025-02-29'][i % 4]),
  boolean: (p, k, i) => (p[k] = i % 2 === 0),
  otherType: (p, k, i) => (p[k] = k === 'type' ? TYPES[i % TYPES.length] : p[k]),
  emoji: (p, k) => (p[k] = typeof p[k] === 'string' ? p[k] + '\ufe0f😀' : p[k]),
};
const KINDS = Object.keys(MUTATIONS);

const mutant = fc
  .record({
    type: fc.constantFrom(...TYPES),
    steps: fc.array(fc.record({ path: fc.nat(), kind: fc.constantFrom(...KINDS), pick: fc.nat() }), { minLength: 0, maxLength: 3 }),
  })
  .map(({ type, steps }) => {
    const value = example(type);
    for (const step of steps) {
      const all = paths(value);
      if (!all.length) break;
      const path = all[step.path % all.length];
      const parent = path.slice(0, -1).reduce((v: Json, k) => v[k], value);
      MUTATIONS[step.kind](parent, path[path.length - 1], step.pick);
    }
    return value;
  });

describe('the compiled validator', () => {
  it('gives the verdict class-validator gives on valid and mutated envelopes of every type', () => {
    fc.assert(
      fc.property(mutant, (envelope) => {
        const compiled = validateEnvelope(structuredClone(envelope));
        const classes = validateEnvelopeWithClasses(structuredClone(envelope));
        expect({ ok: compiled.ok, reason: !compiled.ok && compiled.reason }).toEqual({ ok: classes.ok, reason: !classes.ok && classes.reason });
      }),
      { numRuns: 4000, seed: 13 },
    );
  });

  it.each(TYPES)('accepts the %s example, as class-validator does', (type) => {
    expect(validateEnvelope(example(type))).toMatchObject({ ok: true });
    expect(validateEnvelopeWithClasses(example(type))).toMatchObject({ ok: true });
  });
});
