import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { CATALOG } from './catalog';
import { validateEnvelope } from './validate';

const statement = { ...CATALOG.StatementMade.example, source: { publisher: 'test' } };

describe('validateEnvelope', () => {
  it('refuses an envelope without a source at source', () => {
    const { source: _dropped, ...withoutSource } = statement;
    expect(validateEnvelope(withoutSource)).toMatchObject({ ok: false, reason: 'envelope.invalid', problems: [{ field: 'source' }] });
  });

  it('refuses a type that is not in the catalog, naming it', () => {
    expect(validateEnvelope({ ...statement, type: 'TreatyRatified' })).toMatchObject({ ok: false, reason: 'event.unknown_type', problems: [{ field: 'type' }] });
  });

  it('refuses a schema version newer than the catalog knows', () => {
    expect(validateEnvelope({ ...statement, schemaVersion: 2 })).toMatchObject({ ok: false, reason: 'event.unsupported_version' });
  });

  it('refuses prototype keys anywhere, also inside a correction patch', () => {
    const patch = JSON.parse('{"data": {"__proto__": {"polluted": true}}}');
    const correction = { ...CATALOG.EventCorrected.example, source: { publisher: 'test' }, data: { ...CATALOG.EventCorrected.example.data, patch } };
    expect(validateEnvelope(correction)).toMatchObject({ ok: false, reason: 'envelope.forbidden_key', problems: [{ field: 'data.patch.data.__proto__' }] });
  });

  it('refuses the NUL character in any text, which PostgreSQL cannot store', () => {
    const withNul = { ...statement, data: { ...statement.data, text: 'before\u0000after' } };
    expect(validateEnvelope(withNul)).toMatchObject({ ok: false, reason: 'envelope.invalid', problems: [{ field: 'data.text' }] });
  });

  it('refuses an unpaired surrogate in any text or key, which jsonb cannot store', () => {
    expect(validateEnvelope({ ...statement, data: { ...statement.data, text: 'half \ud800 a pair' } })).toMatchObject({
      ok: false,
      reason: 'envelope.invalid',
      problems: [{ field: 'data.text' }],
    });
    expect(validateEnvelope({ ...statement, data: { ...statement.data, ['\udc00']: 1 } })).toMatchObject({ ok: false, reason: 'envelope.invalid' });
    expect(validateEnvelope({ ...statement, data: { ...statement.data, text: 'a whole pair: \ud83d\ude00' } })).toMatchObject({ ok: true });
  });

  it('refuses values nested absurdly deep instead of overflowing the stack', () => {
    const deep = JSON.parse(`{"topics": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(validateEnvelope({ ...statement, data: { ...statement.data, ...deep } })).toMatchObject({
      ok: false,
      reason: 'envelope.invalid',
      problems: [{ field: expect.stringMatching(/^data\.topics\.0\.0/) }],
    });
  });

  it('refuses unknown keys named like Object.prototype members (they used to slip through)', () => {
    expect(validateEnvelope({ ...statement, toString: 'x' })).toMatchObject({ ok: false, problems: [{ field: 'toString' }] });
    expect(validateEnvelope({ ...statement, data: { ...statement.data, valueOf: 1 } })).toMatchObject({ ok: false, problems: [{ field: 'data.valueOf' }] });
  });

  it('returns the envelope and its valid time with their keys in canonical order, whatever order they came in', () => {
    const { type, data, ...rest } = statement;
    const shuffled = { type, ...rest, occurredAt: { value: '2025-03-14', precision: 'day' }, data };
    const result = validateEnvelope(shuffled);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(Object.keys(result.event)).toEqual(Object.keys(result.event).sort());
    expect(Object.keys(result.event.occurredAt as object)).toEqual(['precision', 'value']);
    // The same members: only their order changed (nested values keep theirs; canonicalJson sorts those).
    expect(canonicalJson(result.event)).toBe(canonicalJson(shuffled));
    expect(shuffled.occurredAt).toEqual({ value: '2025-03-14', precision: 'day' });
  });

  it('returns data as given, not as class instances', () => {
    const result = validateEnvelope({ ...CATALOG.ProposalMade.example, source: { publisher: 'test' } });
    expect(result.ok && Object.getPrototypeOf(result.event.data)).toBe(Object.prototype);
  });

  // The scan for unsafe input runs a path-free check first and builds paths only when it finds
  // something: generated values with NULs, lone surrogates, prototype keys and deep nesting
  // anywhere must be refused exactly when a plain reference walk finds one of them.
  it('refuses generated unsafe input exactly when it holds something unsafe', () => {
    const odd = fc.constantFrom('plain', 'a\u0000b', 'x\ud800', '\udc00y', 'pair \ud83d\ude00');
    const key = fc.oneof(fc.constantFrom('k', '__proto__', 'constructor', 'prototype', 'n\u0000', '\ud800'), fc.string());
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ maxDepth: 4 }, odd, fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    const unsafe = (v: unknown, depth: number): boolean => {
      if (typeof v === 'string') return v.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
      if (typeof v !== 'object' || v === null) return false;
      if (depth >= 32) return true;
      return Object.keys(v).some((k) => ['__proto__', 'constructor', 'prototype'].includes(k) || unsafe(k, 0) || unsafe((v as Record<string, unknown>)[k], depth + 1));
    };
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 34 }), (v, nesting) => {
        // JSON.parse makes own keys of __proto__ as a request body would.
        const wrapped = JSON.parse('['.repeat(nesting) + JSON.stringify(v) + ']'.repeat(nesting));
        const input = JSON.parse(JSON.stringify({ ...statement, data: { ...statement.data, note: null } }));
        input.data.note = wrapped;
        const result = validateEnvelope(input);
        const refusedAsUnsafe = !result.ok && (result.reason === 'envelope.forbidden_key' || result.problems.some((p) => /NUL|surrogate|nested more than/.test(p.message)));
        expect(refusedAsUnsafe).toBe(unsafe(input, 0));
      }),
      { numRuns: 1000 },
    );
  });
});
