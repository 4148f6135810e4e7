/**
 * Canonical JSON: object keys sorted by code point, no insignificant white space, numbers as
 * JavaScript prints them. The same value always gives the same bytes, whatever order its keys came
 * in, so it can be hashed (idempotency comparison, the journal's hash chain).
 *
 * Most values arrive already in canonical order (the ingest API publishes canonical JSON, and
 * JSON.parse keeps the order it reads), and for those JSON.stringify prints exactly the canonical
 * bytes: one walk that checks the order, then V8's native serialiser. Anything else (keys out of
 * order, undefined members, non-finite numbers, objects that are not plain) takes the sorting path.
 */
export function canonicalJson(value: unknown): string {
  return inCanonicalOrder(value) ? JSON.stringify(value) : sortedJson(value);
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  // Array.from visits holes too (map would skip them and print "[1,,3]").
  if (Array.isArray(value)) return '[' + Array.from(value, (v) => canonicalJson(v === undefined ? null : v)).join(',') + ']';
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k])).join(',') + '}';
}

/**
 * True when JSON.stringify(value) is already its canonical JSON: every object plain (no class, no
 * toJSON, no Date) with its own keys in code-point order (the order `sort()` gives: UTF-16 code
 * units, which is what `<` compares) and no undefined member, every array free of holes and
 * undefined, every number finite, nothing but JSON's own types.
 */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === undefined || !inCanonicalOrder(item)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  for (const key in record) {
    if (previous !== undefined && !(previous < key)) return false;
    const member = record[key];
    if (member === undefined || !inCanonicalOrder(member)) return false;
    previous = key;
  }
  return true;
}
