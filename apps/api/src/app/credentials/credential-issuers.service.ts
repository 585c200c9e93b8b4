import { Injectable } from '@nestjs/common';
import { Community, CredentialIssuer, Prisma, PrismaService } from '@bridgenotes/database';
import { importJWK, type JWK } from 'jose';

import { ApiError } from '../common/api-error';
import { CreateIssuerDto } from './dto/issuer.dto';
import { TICKET_ALGORITHMS } from './ticket-verifier.service';

const MAX_INLINE_KEYS = 20;

const invalidKeys = (problem: string) => ApiError.of('ISSUER_KEYS_INVALID', problem);

/** Inline keys must be public keys of the accepted algorithms: a secret key would let the operator mint tickets. */
async function checkInlineKeys(jwks: { keys?: unknown }): Promise<JWK[]> {
  const keys = jwks.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_INLINE_KEYS) {
    throw invalidKeys(`jwks.keys must be a list of 1 to ${MAX_INLINE_KEYS} public keys`);
  }
  for (const [index, key] of keys.entries()) {
    const jwk = key as JWK;
    if (typeof jwk !== 'object' || jwk === null || !['RSA', 'EC', 'OKP'].includes(jwk.kty ?? '')) {
      throw invalidKeys(`jwks.keys[${index}] must be an RSA, EC or OKP public key`);
    }
    if ('d' in jwk || 'k' in jwk) {
      throw invalidKeys(
        `jwks.keys[${index}] holds private or secret material: give public keys only`,
      );
    }
    const alg = jwk.alg ?? '';
    if (!TICKET_ALGORITHMS.includes(alg)) {
      throw invalidKeys(
        `jwks.keys[${index}] must name its algorithm (alg), one of ${TICKET_ALGORITHMS.join(', ')}`,
      );
    }
    try {
      await importJWK(jwk, alg);
    } catch {
      throw invalidKeys(`jwks.keys[${index}] is not a usable ${alg} public key`);
    }
  }
  return keys as JWK[];
}

/** The issuers a CREDENTIAL community trusts, set by its operator and public to everyone. */
@Injectable()
export class CredentialIssuersService {
  constructor(private readonly prisma: PrismaService) {}

  list(community: Community): Promise<CredentialIssuer[]> {
    return this.prisma.credentialIssuer.findMany({
      where: { communityId: community.id },
      orderBy: { createdAt: 'asc' },
    });
  }

  async add(community: Community, input: CreateIssuerDto): Promise<CredentialIssuer> {
    // A null counts as absent here (the DTO refuses it): one of the two is always stored.
    if ((input.jwksUrl == null) === (input.jwks == null)) {
      throw invalidKeys(
        'Give exactly one of jwksUrl (where the issuer publishes its keys) and jwks (the keys inline)',
      );
    }
    const keys = input.jwks ? await checkInlineKeys(input.jwks) : null;
    try {
      return await this.prisma.credentialIssuer.create({
        data: {
          communityId: community.id,
          issuer: input.issuer,
          jwksUrl: input.jwksUrl ?? null,
          jwks: keys ? ({ keys } as unknown as Prisma.InputJsonObject) : Prisma.DbNull,
        },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw ApiError.of('ISSUER_EXISTS', input.issuer);
      }
      throw error;
    }
  }

  async remove(community: Community, id: string): Promise<void> {
    const removed = await this.prisma.credentialIssuer.deleteMany({
      where: { id, communityId: community.id },
    });
    if (removed.count === 0) {
      throw ApiError.of('ISSUER_NOT_FOUND', id, community.slug);
    }
  }
}
