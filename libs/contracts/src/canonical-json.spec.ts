import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

// canonicalJson prints a value already in canonical order with JSON.stringify and sorts anything
// else; either way the bytes must be those of the definition: keys sorted by code point at every
// level, undefined members left out, undefined array items as null, non-finite numbers refused.

/** The definition, written the plain way (the code before the fast path). */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return '[' + Array.from(value, (v) => reference(v === undefined ? null : v)).join(',') + ']';
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + reference(record[k])).join(',') + '}';
}

/** The same value with every object's keys in another order. */
function shuffled(value: unknown, flip: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffled(v, !flip));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shuffled(v, !flip)] as const);
  return Object.fromEntries(flip ? entries.reverse() : entries);
}

describe('canonicalJson', () => {
  it('equals the definition for any JSON value, in canonical order or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, flip) => {
        expect(canonicalJson(value)).toBe(reference(value));
        const other = shuffled(value, flip);
        expect(canonicalJson(other)).toBe(reference(value));
        // Parsed back from its own output, a value is in canonical order: the fast path's case.
        expect(canonicalJson(JSON.parse(canonicalJson(other)))).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['keys out of order', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['integer-like keys (JavaScript lists them first, numerically)', { 9: 'x', 10: 'y', a: 1 }, '{"10":"y","9":"x","a":1}'],
    ['an undefined member', { a: undefined, b: 1 }, '{"b":1}'],
    ['an undefined array item', [1, undefined, 2], '[1,null,2]'],
    ['a sparse array', [1, , 3], '[1,null,3]'], // eslint-disable-line no-sparse-arrays
    ['a nested object out of order', { a: { d: 1, c: [{ f: 1, e: 2 }] } }, '{"a":{"c":[{"e":2,"f":1}],"d":1}}'],
    ['non-ASCII keys (code point order)', { é: 1, z: 2, Z: 3 }, '{"Z":3,"z":2,"é":1}'],
    ['a null-prototype object', Object.assign(Object.create(null), { b: 1, a: 2 }), '{"a":2,"b":1}'],
  ])('prints %s as the definition does', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
    expect(reference(value)).toBe(expected);
  });

  it('does not let an object with toJSON or a class instance speak for itself', () => {
    const dated = { at: new Date(0), a: 1 };
    expect(canonicalJson(dated)).toBe(reference(dated));
    class Point {
      constructor(
        readonly y: number,
        readonly x: number,
      ) {}
    }
    expect(canonicalJson({ p: new Point(2, 1) })).toBe('{"p":{"x":1,"y":2}}');
    expect(canonicalJson({ a: 1, toJSON: () => 'hijacked' })).toBe(reference({ a: 1, toJSON: () => 'hijacked' }));
  });

  it('refuses non-finite numbers wherever they are', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite number');
    expect(() => canonicalJson([1, Infinity])).toThrow('non-finite number');
  });
});
