import { HttpStatus, Injectable } from '@nestjs/common';
import type { CredentialIssuer } from '@bridgenotes/database';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
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

/** Clocks of the issuer and this instance may differ this much. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** What a verified ticket says: never stored or logged as such, only hashed. */
export interface VerifiedTicket {
  issuer: string;
  subject: string;
  ticketId: string;
  expiresAt: Date;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

const refuse = (status: HttpStatus, code: string, message: string) =>
  new ApiError(status, code, message);

/**
 * Checks a host site's ticket (a JWT) with `jose` against the keys of the community's trusted
 * issuer it names: signature, audience (the community's id), expiry, and the claims a join needs.
 * Every refusal has its own code; no message repeats the subject or the ticket.
 */
@Injectable()
export class TicketVerifierService {
  /** One remote key set per issuer and URL: jose caches the keys and refetches on a new `kid`. */
  private readonly remote = new Map<string, KeySet>();

  async verify(
    ticket: string,
    communityId: string,
    issuers: readonly CredentialIssuer[],
  ): Promise<VerifiedTicket> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(ticket);
    } catch {
      throw refuse(
        HttpStatus.BAD_REQUEST,
        'TICKET_MALFORMED',
        'ticket is not a signed JWT (three base64url parts)',
      );
    }
    const trusted = issuers.find((candidate) => candidate.issuer === unverified.iss);
    if (!trusted) {
      throw refuse(
        HttpStatus.FORBIDDEN,
        'TICKET_ISSUER_UNKNOWN',
        'The ticket was not issued by an issuer this community trusts: get one from its host site',
      );
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(ticket, this.keysOf(trusted), {
        issuer: trusted.issuer,
        audience: communityId,
        algorithms: TICKET_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw this.refusalOf(error, trusted.jwks === null);
    }
    const { sub, jti, exp, iat } = payload as Required<JWTPayload>;
    if (typeof sub !== 'string' || sub.length === 0 || typeof jti !== 'string' || !jti) {
      throw refuse(
        HttpStatus.BAD_REQUEST,
        'TICKET_CLAIMS_INVALID',
        'The ticket needs a non-empty sub (the account) and jti (the ticket id), as strings',
      );
    }
    if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
      throw refuse(
        HttpStatus.FORBIDDEN,
        'TICKET_NOT_YET_VALID',
        'The ticket was issued in the future (iat): check the host clock',
      );
    }
    if (exp - iat > TICKET_MAX_LIFETIME_SECONDS) {
      throw refuse(
        HttpStatus.BAD_REQUEST,
        'TICKET_TOO_LONG_LIVED',
        `A ticket may live at most ${TICKET_MAX_LIFETIME_SECONDS} s (exp - iat); ask the host site for a short-lived one`,
      );
    }
    return { issuer: trusted.issuer, subject: sub, ticketId: jti, expiresAt: new Date(exp * 1000) };
  }

  private keysOf(issuer: CredentialIssuer): KeySet {
    if (issuer.jwks) return createLocalJWKSet(issuer.jwks as unknown as JSONWebKeySet);
    const key = `${issuer.id} ${issuer.jwksUrl}`;
    let keys = this.remote.get(key);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(issuer.jwksUrl as string), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      });
      this.remote.set(key, keys);
    }
    return keys;
  }

  private refusalOf(error: unknown, remoteKeys: boolean): ApiError {
    if (error instanceof errors.JWTExpired) {
      return refuse(
        HttpStatus.GONE,
        'TICKET_EXPIRED',
        'The ticket has expired: ask the host site for a new one',
      );
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') {
        return refuse(
          HttpStatus.FORBIDDEN,
          'TICKET_WRONG_AUDIENCE',
          "The ticket was issued for another audience: its aud must be this community's id",
        );
      }
      if (error.claim === 'nbf') {
        return refuse(
          HttpStatus.FORBIDDEN,
          'TICKET_NOT_YET_VALID',
          'The ticket is not valid yet (nbf in the future)',
        );
      }
      return refuse(
        HttpStatus.BAD_REQUEST,
        'TICKET_CLAIMS_INVALID',
        `The ticket's ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'invalid'}: a ticket needs sub, exp, iat and jti`,
      );
    }
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWKSNoMatchingKey ||
      error instanceof errors.JWKSMultipleMatchingKeys ||
      error instanceof errors.JOSEAlgNotAllowed
    ) {
      return refuse(
        HttpStatus.FORBIDDEN,
        'TICKET_FORGED',
        `The ticket's signature does not check against the issuer's keys (accepted algorithms: ${TICKET_ALGORITHMS.join(', ')})`,
      );
    }
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
      return refuse(HttpStatus.BAD_REQUEST, 'TICKET_MALFORMED', 'The ticket is not a valid JWT');
    }
    if (remoteKeys) {
      // The issuer's key endpoint did not answer usable keys (refused, timed out, not a JWKS):
      // not the member's fault.
      return refuse(
        HttpStatus.SERVICE_UNAVAILABLE,
        'ISSUER_KEYS_UNAVAILABLE',
        "The issuer's keys could not be fetched; try again later",
      );
    }
    throw error;
  }
}
