import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

import { canonicalJson, JsonValue } from './canonical-json';
import { ACTION_DOMAIN, SCOPE_DOMAIN } from './constants';

const sha256Integer = (text: string): bigint =>
  BigInt(`0x${bytesToHex(sha256(utf8ToBytes(text)))}`);

/**
 * A community's Semaphore scope: fixed forever by its id, so a member's nullifier (their
 * pseudonym) stays the same across all their actions in the community and differs in every other.
 */
export function communityScope(communityId: string): bigint {
  return sha256Integer(`${SCOPE_DOMAIN}${communityId}`);
}

/** What a member proves: one action, on one target, in one community, at one minute. */
export interface Action {
  /** What is done, e.g. `note.create`, `rating.put`, `note.delete`, `proof.check`. */
  kind: string;
  /** The community's id (UUID). */
  community: string;
  /** What the action is about (a post, a note), or `""` when nothing. */
  target: string;
  /** Every field the action submits. */
  payload: { [key: string]: JsonValue };
  /** The client's clock in whole minutes since the Unix epoch, UTC. */
  clientMinute: number;
}

export function canonicalAction(action: Action): string {
  return canonicalJson({
    domain: ACTION_DOMAIN,
    kind: action.kind,
    community: action.community,
    target: action.target,
    payload: action.payload,
    clientMinute: action.clientMinute,
  });
}

/** The Semaphore message for an action: SHA-256 of its canonical encoding, as an integer. */
export function actionMessage(action: Action): bigint {
  return sha256Integer(canonicalAction(action));
}

export function minuteOf(time: Date | number): number {
  return Math.floor((typeof time === 'number' ? time : time.getTime()) / 60_000);
}
