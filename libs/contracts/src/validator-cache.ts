import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/**
 * class-validator looks up a class's rules for every object it validates, scanning every class it
 * knows for inheritance each time: with a catalog of ~40 classes that lookup is most of the cost of
 * validating an envelope. The rules never change once the contracts are loaded, so the lookups are
 * remembered — and forgotten whenever a rule is added — which keeps class-validator's exact results.
 */
export function rememberValidationLookups(): void {
  const storage = getMetadataStorage() as unknown as {
    __ledgerCached?: boolean;
    getTargetValidationMetadatas(target: Function, schema: string, always: boolean, strictGroups: boolean, groups?: string[]): ValidationMetadata[];
    groupByPropertyName(metadata: ValidationMetadata[]): Record<string, ValidationMetadata[]>;
    addValidationMetadata(metadata: ValidationMetadata): void;
    addValidationSchema(schema: unknown): void;
  };
  if (storage.__ledgerCached) return;
  storage.__ledgerCached = true;
  let targets = new Map<Function, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const forget = () => {
    targets = new Map();
    grouped = new WeakMap();
  };
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  const addSchema = storage.addValidationSchema.bind(storage);
  storage.addValidationMetadata = (metadata) => (forget(), add(metadata));
  storage.addValidationSchema = (schema) => (forget(), addSchema(schema));
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${(groups ?? []).join('\u0001')}`;
    let byKey = targets.get(target);
    if (!byKey) targets.set(target, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) grouped.set(metadata, (found = group(metadata)));
    return found;
  };
}
