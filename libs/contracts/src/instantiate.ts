import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';

type Class = new () => object;

const nestedByClass = new Map<Class, Map<string, Class>>();

/** The @Type-declared nested class of each property of a contract class, looked up once. */
function nestedTypes(cls: Class): Map<string, Class> {
  let found = nestedByClass.get(cls);
  if (found) return found;
  found = new Map();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    const nested = defaultMetadataStorage.findTypeMetadata(cls, meta.propertyName)?.typeFunction() as Class | undefined;
    if (nested) found.set(meta.propertyName, nested);
  }
  nestedByClass.set(cls, found);
  return found;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns parsed JSON into instances of the contract classes for class-validator: what
 * class-transformer's plainToInstance does for our contracts (no implicit conversion, no exposure
 * rules, every key kept so `forbidNonWhitelisted` sees it, nested objects and arrays by their
 * @Type), without its per-object metadata searches. A spec holds the two to identical results.
 */
export function toInstance<T extends object>(cls: new () => T, plain: Record<string, unknown>): T {
  const instance = new cls() as Record<string, unknown>;
  const nested = nestedTypes(cls);
  for (const key of Object.keys(plain)) {
    const value = plain[key];
    const type = nested.get(key);
    instance[key] =
      type === undefined ? value : Array.isArray(value) ? value.map((v) => (isObject(v) ? toInstance(type, v) : v)) : isObject(value) ? toInstance(type, value) : value;
  }
  return instance as T;
}
