import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * A UUID, taken in its one lower-case form (RFC 9562 writes them lower case and reads either):
 * PostgreSQL finds a row by either case, but an id also goes into text compared as text — a
 * proof's target (`note:<id>`), the hash-chained moderation log — which a verifier and mirrors
 * rebuild from the stored, lower-case id. An upper-case id in a request would log a target no
 * one could check.
 */
export function IsUuidParam(message: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.toLowerCase() : value,
    ),
    IsUUID('all', { message }),
  );
}
