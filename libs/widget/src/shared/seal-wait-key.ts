// What a member is told of the wait for a join's batch, wherever it is told (the pending notice,
// a proof refused before the seal, in the frame, its prover worker and the extension): one choice
// of wording by the instance's seal wait, so that none of them promises a time the instance does
// not keep (a quiet community sealing by K members only may never seal).

/** A sentence's four wordings: `prefix` for an instance that says no wait (an older API). */
export type SealWaitKey<P extends string> =
  P | `${P}NoTimeBound` | `${P}WithinHour` | `${P}WithinHours`;

/**
 * Which wording of the sentence `prefix` is said, by the seal wait in hours (libs/protocol
 * `pendingJoinSealHours`): undefined where the instance does not say it (the general wording),
 * null where it has no time bound (no time promised), else "at the latest about an hour" or
 * "about {hours} hours" after the join.
 */
export function sealWaitKey<P extends string>(
  prefix: P,
  hours: number | null | undefined,
): SealWaitKey<P> {
  if (hours === undefined) return prefix;
  if (hours === null) return `${prefix}NoTimeBound`;
  return hours === 1 ? `${prefix}WithinHour` : `${prefix}WithinHours`;
}
