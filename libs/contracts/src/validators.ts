import { registerDecorator, ValidationOptions } from 'class-validator';
import { occurredStart, OccurredAt, PRECISIONS } from './occurred-at';

/** `occurredAt.value` must be a real date in the form its precision names. */
export function IsOccurredAt(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isOccurredAt',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message:
          'occurredAt.value must be a real date matching its precision: exact 2025-03-13T19:30:00Z, day 2025-03-13, week 2025-W11, month 2025-03',
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (!value || typeof value !== 'object') return false;
          const at = value as OccurredAt;
          if (typeof at.value !== 'string' || !PRECISIONS.includes(at.precision)) return true; // nested rules report it
          return occurredStart(at) !== null;
        },
      },
    });
}
