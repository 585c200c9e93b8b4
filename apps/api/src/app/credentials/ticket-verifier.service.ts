import { Injectable, Logger } from '@nestjs/common';
import { type CredentialIssuer, TICKET_CLOCK_TOLERANCE_SECONDS } from '@bridgenotes/database';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';

import { ApiError } from '../common/api-error';

/** Asymmetric algorithms only: the instance holds public keys, so it can check tickets but never mint one. */
export const TICKET_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** A ticket vouches for a login that just happened: it may live an hour at most. */
export const TICKET_MAX_LIFETIME_SECONDS = 3_600;

/** What a verified ticket says: never stored or logged as such, only hashed. */
export interface VerifiedTicket {
  issuer: string;
  subject: string;
  ticketId: string;
  expiresAt: Date;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * `jwtVerify`, trying each of the issuer's keys that match the ticket's header when several do
 * (jose's documented pattern for JWKSMultipleMatchingKeys): an issuer rotating its keys may
 * publish two of one algorithm without `kid`, and a ticket signed by either is good. Forged
 * only if none verifies; any other failure of a candidate (an expired ticket, a wrong audience:
 * checked once its signature verified) is the ticket's own.
 */
async function verifyWithAnyKey(
  ticket: string,
  keys: KeySet,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(ticket, keys, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const candidate of error) {
      try {
        return (await jwtVerify(ticket, candidate, options)).payload;
      } catch (failure) {
        if (!(failure instanceof errors.JWSSignatureVerificationFailed)) throw failure;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/**
 * Checks a host site's ticket (a JWT) with `jose` against the keys of the community's trusted
 * issuer it names: signature, audience (the community's id), expiry, and the claims a join needs.
 * Every refusal has its own code; no message repeats the subject or the ticket.
 */
@Injectable()
export class TicketVerifierService {
  /** One remote key set per issuer and URL: jose caches the keys and refetches on a new `kid`. */
  private readonly remote = new Map<string, KeySet>();
  private readonly logger = new Logger(TicketVerifierService.name);

  async verify(
    ticket: string,
    communityId: string,
    issuers: readonly CredentialIssuer[],
  ): Promise<VerifiedTicket> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(ticket);
    } catch {
      throw ApiError.of('TICKET_MALFORMED');
    }
    const trusted = issuers.find((candidate) => candidate.issuer === unverified.iss);
    if (!trusted) {
      throw ApiError.of('TICKET_ISSUER_UNKNOWN');
    }
    // The issuer's stored keys, or where to fetch them, unusable (a row the API would not store
    // now, such as a URL `new URL` cannot parse): the member's ticket is not at fault.
    let keys: KeySet;
    try {
      keys = this.keysOf(trusted);
    } catch (error) {
      // The operator's to mend (remove the issuer, add it again): the issuer's id and the
      // error's class only, never the ticket or its subject.
      this.logger.warn(
        `Issuer ${trusted.id} has no usable keys (${error instanceof Error ? error.name : 'unknown'}): its tickets are answered ISSUER_KEYS_UNAVAILABLE`,
      );
      throw ApiError.of('ISSUER_KEYS_UNAVAILABLE');
    }
    // Tells the key set's own failures (fetching the issuer's keys) from the ticket's.
    let keyFailure: unknown;
    const resolveKey: KeySet = (header, token) =>
      keys(header, token).catch((error: unknown) => {
        keyFailure = error;
        throw error;
      });
    let payload: JWTPayload;
    try {
      payload = await verifyWithAnyKey(ticket, resolveKey, {
        issuer: trusted.issuer,
        audience: communityId,
        algorithms: TICKET_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        clockTolerance: TICKET_CLOCK_TOLERANCE_SECONDS,
      });
    } catch (error) {
      throw this.refusalOf(error, trusted.jwks === null && error === keyFailure);
    }
    const { sub, jti, exp, iat } = payload as Required<JWTPayload>;
    if (typeof sub !== 'string' || sub.length === 0 || typeof jti !== 'string' || !jti) {
      throw ApiError.of('TICKET_CLAIMS_INVALID');
    }
    if (iat > Date.now() / 1000 + TICKET_CLOCK_TOLERANCE_SECONDS) {
      throw new ApiError(
        'TICKET_NOT_YET_VALID',
        'The ticket was issued in the future (iat): check the host clock',
      );
    }
    if (exp - iat > TICKET_MAX_LIFETIME_SECONDS) {
      throw ApiError.of('TICKET_TOO_LONG_LIVED', TICKET_MAX_LIFETIME_SECONDS);
    }
    return { issuer: trusted.issuer, subject: sub, ticketId: jti, expiresAt: new Date(exp * 1000) };
  }

  private keysOf(issuer: CredentialIssuer): KeySet {
    if (issuer.jwks !== null) return createLocalJWKSet(issuer.jwks as unknown as JSONWebKeySet);
    if (issuer.jwksUrl === null) throw new Error(`Issuer ${issuer.id} has no keys`);
    const key = `${issuer.id} ${issuer.jwksUrl}`;
    let keys = this.remote.get(key);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(issuer.jwksUrl), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      });
      this.remote.set(key, keys);
    }
    return keys;
  }

  /** `keyFetch`: the error is the remote key set's, not the ticket's. */
  private refusalOf(error: unknown, keyFetch: boolean): ApiError {
    if (error instanceof errors.JWTExpired) {
      return ApiError.of('TICKET_EXPIRED');
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') {
        return ApiError.of('TICKET_WRONG_AUDIENCE');
      }
      if (error.claim === 'nbf') {
        return ApiError.of('TICKET_NOT_YET_VALID');
      }
      return new ApiError(
        'TICKET_CLAIMS_INVALID',
        `The ticket's ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'invalid'}: a ticket needs sub, exp, iat and jti`,
      );
    }
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWKSNoMatchingKey ||
      error instanceof errors.JOSEAlgNotAllowed
    ) {
      return ApiError.of('TICKET_FORGED', TICKET_ALGORITHMS.join(', '));
    }
    if (keyFetch) {
      // The issuer's key endpoint did not answer usable keys (refused, timed out, not a JWKS):
      // not the member's fault.
      return ApiError.of('ISSUER_KEYS_UNAVAILABLE');
    }
    if (error instanceof errors.JOSENotSupported) {
      // Raised before any key is looked at, e.g. a `crit` extension jose does not know.
      return new ApiError(
        'TICKET_MALFORMED',
        'The ticket uses a JWS feature this instance does not support (such as an unknown crit extension)',
      );
    }
    if (error instanceof errors.JOSEError) {
      // Any other fault jose finds in the ticket itself (JWSInvalid, JWTInvalid…).
      return new ApiError('TICKET_MALFORMED', 'The ticket is not a valid JWT');
    }
    throw error;
  }
}
