/** An hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/**
 * The start of the UTC hour `ms` falls in (now by default): the finest time the API keeps beside
 * a write that must not be told apart from its batch's (a post's creation, an invite code's
 * redemption, a member's code; docs/threat-model.md).
 */
export function startOfHour(ms: number = Date.now()): Date {
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
}
