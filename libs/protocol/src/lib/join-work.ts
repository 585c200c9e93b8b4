import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';

/**
 * Proof-of-work on OPEN joins (docs/operations.md, "Proof-of-work on joins"): before joining, a
 * client finds a nonce such that
 *
 *   SHA-256("bridgenotes/join-work/1|<community id>|<commitment>|<challenge>|<nonce>")
 *
 * starts with `difficulty` zero bits, about 2^difficulty hashes of work. The community and the
 * commitment are in the hash, so a solution admits one commitment to one community only; the
 * challenge is the server's, valid for a short while (see the API's JoinWorkService), so
 * solutions cannot be made ahead of time and stockpiled. Pure TypeScript: the API checks, the
 * CLI (worker_threads) and the widget (a Web Worker) solve with the same code.
 */
export const JOIN_WORK_DOMAIN = 'bridgenotes/join-work/1';

/** Past 32 bits (4·10⁹ hashes, an hour or more in a browser) nobody could join. */
export const MAX_JOIN_WORK_DIFFICULTY = 32;

/** A nonce is a decimal number of at most 15 digits (below 2^53, so a plain JS number). */
export const JOIN_WORK_NONCE_PATTERN = /^(0|[1-9][0-9]{0,14})$/;

/** What a join's work is about: one commitment, one community, one server challenge. */
export interface JoinWorkTarget {
  /** The community's id (UUID). */
  community: string;
  /** The identity commitment that joins (decimal). */
  commitment: string;
  /** The challenge from `GET /communities/:slug/join-work`. */
  challenge: string;
  /** Leading zero bits the hash must have. */
  difficulty: number;
}

const prefixOf = ({ community, commitment, challenge }: JoinWorkTarget): Uint8Array =>
  utf8ToBytes(`${JOIN_WORK_DOMAIN}|${community}|${commitment}|${challenge}|`);

/** How many of the digest's leading bits are zero. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Whether `nonce` solves the target's work. Any nonce not of the expected form fails. */
export function checkJoinWork(target: JoinWorkTarget, nonce: string): boolean {
  if (!JOIN_WORK_NONCE_PATTERN.test(nonce)) return false;
  const digest = sha256.create().update(prefixOf(target)).update(utf8ToBytes(nonce)).digest();
  return leadingZeroBits(digest) >= target.difficulty;
}

export interface SolveOptions {
  /** The first nonce tried (several solvers may split the space: start i, step n). */
  start?: number;
  step?: number;
  /** Give up (answer undefined) after this many tries; unbounded by default. */
  maxTries?: number;
}

/**
 * Finds a nonce for the target by trying one after another (synchronous: run it off the main
 * thread). The prefix is hashed once and its state cloned for every nonce, which halves the work
 * per try for a typical prefix of two SHA-256 blocks.
 */
export function solveJoinWork(
  target: JoinWorkTarget,
  { start = 0, step = 1, maxTries = Number.POSITIVE_INFINITY }: SolveOptions = {},
): string | undefined {
  const prefix = prefixOf(target);
  // Absorb the whole 64-byte blocks of the prefix once; the rest goes with each nonce.
  const whole = prefix.length - (prefix.length % 64);
  const base = sha256.create().update(prefix.subarray(0, whole));
  const rest = prefix.subarray(whole);
  const buffer = new Uint8Array(rest.length + 15);
  buffer.set(rest);
  for (let tries = 0, nonce = start; tries < maxTries; tries += 1, nonce += step) {
    const digits = String(nonce);
    for (let i = 0; i < digits.length; i += 1) buffer[rest.length + i] = digits.charCodeAt(i);
    const digest = base
      .clone()
      .update(buffer.subarray(0, rest.length + digits.length))
      .digest();
    if (leadingZeroBits(digest) >= target.difficulty) return digits;
  }
  return undefined;
}

/** The fields a join carries for its work: none when the community asks for no work. */
export interface JoinWorkFields {
  workChallenge?: string;
  workNonce?: string;
}

/**
 * What every client does for a join's work, the widget and the extension alike: asks the
 * community's challenge (`ask`, `GET /communities/:slug/join-work`, at each join since the
 * operator may turn the work on at any time), does nothing at difficulty 0, tells the member
 * when the work starts (`working`: seconds of computing on a phone), has `solve` find the nonce
 * (in the client's prover worker, off the page's main thread) and returns the join's fields.
 */
export async function askAndSolveJoinWork(
  joining: { community: string; commitment: string },
  ask: () => Promise<{ challenge: string; difficulty: number }>,
  solve: (target: JoinWorkTarget) => Promise<string>,
  working: () => void = () => undefined,
): Promise<JoinWorkFields> {
  const { challenge, difficulty } = await ask();
  if (difficulty === 0) return {};
  working();
  const nonce = await solve({ ...joining, challenge, difficulty });
  return { workChallenge: challenge, workNonce: nonce };
}
