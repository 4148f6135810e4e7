import { CATALOG, findDefinition } from './catalog';
import { compileAll, dataProblems, envelopeProblems } from './compiled-validator';
import { FieldProblem } from './problems';
import { EventDefinition } from './event-definition';
import { EventEnvelope } from './envelope';
import { normalizeOccurredAt } from './occurred-at';

/** Stable codes for why an envelope was refused; the HTTP edge and the DLQ use the same ones. */
export type InvalidReason = 'envelope.invalid' | 'event.unknown_type' | 'event.unsupported_version' | 'envelope.forbidden_key';

export type Validated = { ok: true; event: EventEnvelope } | { ok: false; reason: InvalidReason; problems: FieldProblem[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Far deeper than any event needs; the recursive checks below (and class-transformer) never meet more. */
const MAX_DEPTH = 32;

/** The rules of the envelope and of each type's data; the compiled schemas, or (in a spec) the classes. */
export interface EnvelopeChecks {
  envelope(raw: Record<string, unknown>): FieldProblem[];
  data(def: EventDefinition<any>, data: Record<string, unknown>): FieldProblem[];
}

const COMPILED: EnvelopeChecks = { envelope: envelopeProblems, data: dataProblems };
let compiledAll = false;

/**
 * Validates a complete envelope the same way everywhere (HTTP edge and projector): known type,
 * envelope fields, the type's data, upcasting older schema versions. Returns the envelope as plain
 * data with `occurredAt` normalised and `data` at the current schema version. Runs the JSON Schemas
 * derived from the contract classes, compiled once (compiled-validator.ts).
 */
export function validateEnvelope(input: unknown): Validated {
  if (!compiledAll) {
    compileAll(Object.values(CATALOG));
    compiledAll = true;
  }
  return validateEnvelopeWith(COMPILED, input);
}

/** validateEnvelope with the given rules: everything around them (type, versions, unsafe input) is shared. */
export function validateEnvelopeWith(checks: EnvelopeChecks, input: unknown): Validated {
  if (!isPlainObject(input)) return invalid('envelope.invalid', [{ field: '', message: 'an event must be a JSON object' }]);
  const unsafe = looksSafe(input, 0) ? SAFE : scanInput(input);
  if (unsafe.deep !== undefined) return invalid('envelope.invalid', [{ field: unsafe.deep, message: `values must not be nested more than ${MAX_DEPTH} levels deep` }]);
  if (unsafe.forbidden !== undefined) {
    return invalid('envelope.forbidden_key', [{ field: unsafe.forbidden, message: 'keys named __proto__, constructor or prototype are not allowed' }]);
  }
  if (unsafe.nul !== undefined) return invalid('envelope.invalid', [{ field: unsafe.nul, message: 'text must not contain the NUL character (U+0000)' }]);
  if (unsafe.surrogate !== undefined) {
    return invalid('envelope.invalid', [{ field: unsafe.surrogate, message: 'text must not contain an unpaired UTF-16 surrogate (U+D800 to U+DFFF)' }]);
  }
  const raw: Record<string, unknown> = { ...input, occurredAt: normalizeOccurredAt(input.occurredAt) };
  const def = typeof raw.type === 'string' ? findDefinition(raw.type) : undefined;
  if (!def) {
    return invalid('event.unknown_type', [{ field: 'type', message: `unknown event type ${JSON.stringify(raw.type)}; see GET /v1/catalog` }]);
  }
  const problems = checks.envelope(raw);
  const version = raw.schemaVersion as number;
  if (!problems.length && version > def.schemaVersion) {
    return invalid('event.unsupported_version', [{ field: 'schemaVersion', message: `${def.type} is at schema version ${def.schemaVersion}; ${version} is not known yet` }]);
  }
  let data = raw.data as Record<string, unknown>;
  // The data is checked even when the envelope is not, so that one answer names every problem.
  if (isPlainObject(data) && Number.isInteger(version) && version >= 1 && version <= def.schemaVersion) {
    for (let v = version; v < def.schemaVersion; v++) {
      const up = def.upcasters[v];
      if (!up) return invalid('event.unsupported_version', [{ field: 'schemaVersion', message: `no upcaster from version ${v}` }]);
      data = up(data);
    }
    problems.push(...checks.data(def, data));
  }
  if (def.requiresProposal && !raw.proposalId) problems.push({ field: 'proposalId', message: `proposalId is required: ${def.type} must name a proposal` });
  if (problems.length) return invalid('envelope.invalid', problems);

  // `raw` is this call's own copy: set in place, as a spread would (same keys, same order), without copying it again.
  raw.schemaVersion = def.schemaVersion;
  raw.data = data;
  // The envelope's keys and its valid time's in code-point order: canonicalJson (the content hash, the
  // log's bytes) then prints it with one JSON.stringify instead of sorting it member by member, which
  // is what a publisher's own key order (or an added eventId and source) cost before.
  if (isPlainObject(raw.occurredAt)) raw.occurredAt = inKeyOrder(raw.occurredAt);
  return { ok: true, event: inKeyOrder(raw) as unknown as EventEnvelope };
}

/**
 * `record`'s members in a new object whose keys were added in code-point order (the order
 * canonicalJson sorts them in), or `record` itself when they are in it already, or when a key is all
 * digits (objects list array-index keys first, whatever order they were added in) or `__proto__`.
 */
function inKeyOrder(record: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(record);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = keys[i - 1] < keys[i];
  if (ordered) return record;
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === '__proto__' || /^\d+$/.test(key)) return record;
    out[key] = record[key];
  }
  return out;
}

function invalid(reason: InvalidReason, problems: FieldProblem[]): Validated {
  return { ok: false, reason, problems };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first path (pre-order) of each kind of input nothing downstream can hold. */
interface Unsafe {
  /** Nested deeper than MAX_DEPTH (the recursive checks and class-transformer would overflow the stack). */
  deep?: string;
  /** A key named __proto__, constructor or prototype. */
  forbidden?: string;
  /** U+0000, which PostgreSQL text and jsonb refuse. */
  nul?: string;
  /** An unpaired UTF-16 surrogate, which jsonb refuses. */
  surrogate?: string;
}

const SAFE: Unsafe = Object.freeze({});

/**
 * Whether scanInput would find nothing: the same checks without building a path for every key,
 * which only an answer needs (then scanInput runs). Recursive, but never deeper than MAX_DEPTH.
 */
function looksSafe(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return safeText(value);
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  // for…in visits every own enumerable key (as Object.keys) and inherited ones too: a false answer only sends the input to scanInput.
  for (const key in value) {
    if (FORBIDDEN_KEYS.has(key) || !safeText(key) || !looksSafe((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** No NUL and no lone surrogate. */
function safeText(text: string): boolean {
  return !text.includes('\u0000') && wellFormed(text);
}

/** Whether `text` holds no unpaired UTF-16 surrogate (String#isWellFormed, ES2024: in every Node this ledger runs on). */
function wellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** One iterative pass over the input (it may be arbitrarily deep) for everything in Unsafe, with the path of each first finding. */
function scanInput(input: object): Unsafe {
  const found: Unsafe = {};
  const check = (text: string, path: string) => {
    if (found.nul === undefined && text.includes('\u0000')) found.nul = path;
    if (found.surrogate === undefined && !wellFormed(text)) found.surrogate = path;
  };
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') check(value, path);
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return { deep: path };
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const here = path ? `${path}.${key}` : key;
      stack.push({ value: (value as Record<string, unknown>)[key], path: here, depth: depth + 1 });
    }
    for (const key of keys) {
      const here = path ? `${path}.${key}` : key;
      if (found.forbidden === undefined && FORBIDDEN_KEYS.has(key)) found.forbidden = here;
      check(key, here);
    }
  }
  return found;
}
