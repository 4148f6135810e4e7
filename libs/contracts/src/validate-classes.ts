import { validateSync, ValidationError } from 'class-validator';
import { EnvelopeDto } from './envelope.dto';
import { toInstance } from './instantiate';
import { FieldProblem } from './problems';
import { EnvelopeChecks, Validated, validateEnvelopeWith } from './validate';
import { rememberValidationLookups } from './validator-cache';

rememberValidationLookups();

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true } as const;

/**
 * The contract classes' own rules, run by class-validator: the source of truth the compiled
 * schemas are derived from. Too slow for the hot path (~10× the compiled validator); the
 * differential spec holds the two to the same verdict.
 */
export const CLASS_CHECKS: EnvelopeChecks = {
  envelope: (raw) => flatten(validateSync(toInstance(EnvelopeDto, raw), OPTIONS)),
  data: (def, data) => flatten(validateSync(toInstance(def.dataClass, data), OPTIONS), 'data'),
};

/** validateEnvelope by class-validator instead of the compiled schemas. */
export function validateEnvelopeWithClasses(input: unknown): Validated {
  return validateEnvelopeWith(CLASS_CHECKS, input);
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message: qualify(message, field, e.property) });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** class-validator names only the last property; name the whole path instead. */
function qualify(message: string, field: string, property: string): string {
  return message.startsWith(property) ? field + message.slice(property.length) : message;
}
