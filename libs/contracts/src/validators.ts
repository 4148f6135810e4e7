import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isKnownCameo } from './cameo';
import { canonicalJson } from './canonical-json';
import { occurredStart, OccurredAt, PRECISIONS } from './occurred-at';

/** `occurredAt.value` must be a real date in the form its precision names. */
export function IsOccurredAt(options?: ValidationOptions): PropertyDecorator {
  return custom('isOccurredAt', options, {
    message: 'occurredAt.value must be a real date matching its precision: exact 2025-03-13T19:30:00Z, day 2025-03-13, week 2025-W11, month 2025-03',
    validate(value: unknown) {
      if (!value || typeof value !== 'object') return false;
      const at = value as OccurredAt;
      if (typeof at.value !== 'string' || !PRECISIONS.includes(at.precision)) return true; // nested rules report it
      return occurredStart(at) !== null;
    },
  });
}

/** A code from the CAMEO table: a publisher may refine the default, not invent a code. */
export function IsKnownCameo(options?: ValidationOptions): PropertyDecorator {
  return custom('isKnownCameo', options, {
    message: '$property must be a CAMEO code the ledger knows; see GET /v1/catalog',
    validate: (value) => typeof value === 'string' && isKnownCameo(value),
  });
}

/** A real calendar date, `YYYY-MM-DD` (2025-02-30 is refused, not rolled over). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return custom('isCalendarDate', options, {
    message: '$property must be a real calendar date, YYYY-MM-DD',
    validate: (value) => typeof value === 'string' && occurredStart({ value, precision: 'day' }) !== null,
  });
}

/** A calendar date on or after the date in `property` of the same object (an end never precedes its start). */
export function IsNotBefore(property: string, options?: ValidationOptions): PropertyDecorator {
  return custom('isNotBefore', options, {
    constraints: [property],
    message: `$property must not be before ${property}`,
    validate(value: unknown, args: ValidationArguments) {
      const other = (args.object as Record<string, unknown>)[property];
      if (typeof value !== 'string' || typeof other !== 'string') return true; // the date rules report it
      return value >= other; // YYYY-MM-DD compares as text
    },
  });
}

/** Envelope fields a correction may patch; the id, the type and the publisher are never corrected. */
export const PATCHABLE_FIELDS = ['occurredAt', 'reportedAt', 'actors', 'recipients', 'proposalId', 'codes', 'modality', 'evidence', 'citations', 'data'] as const;
/** Upper bound of a patch, as canonical JSON: a correction fixes fields, it does not carry a document. */
export const MAX_PATCH_CHARS = 16_000;

/** A JSON merge patch (RFC 7396) of an envelope: a plain, bounded object naming only patchable fields. */
export function IsMergePatch(options?: ValidationOptions): PropertyDecorator {
  return custom('isMergePatch', options, {
    message: `$property must be a non-empty JSON merge patch of ${PATCHABLE_FIELDS.join(', ')} (at most ${MAX_PATCH_CHARS} characters)`,
    validate(value: unknown) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const keys = Object.keys(value);
      if (!keys.length || !keys.every((k) => (PATCHABLE_FIELDS as readonly string[]).includes(k))) return false;
      try {
        return canonicalJson(value).length <= MAX_PATCH_CHARS;
      } catch {
        return false; // not JSON: a non-finite number
      }
    },
  });
}

interface Check {
  /** Kept in the rule's metadata, where the compiled validator's schema reads them. */
  constraints?: unknown[];
  message: string;
  validate(value: unknown, args: ValidationArguments): boolean;
}

function custom(name: string, options: ValidationOptions | undefined, check: Check): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: check.constraints,
      options: { message: check.message, ...options },
      validator: { validate: check.validate },
    });
}
