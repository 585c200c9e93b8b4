import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CredentialIssuer } from '@bridgenotes/database';
import { IsObject, IsString, ValidateIf } from 'class-validator';

import { IsHttpUrl } from '../../common/http-url';
import { OptionalNotNull } from '../../common/optional-not-null';
import { IsUuidParam } from '../../common/uuid-param';
import { CommunitySlugParams } from '../../common/slug';
import { CharLength } from '../../common/char-length';

export class CreateIssuerDto {
  @ApiProperty({
    description: "The `iss` claim of the issuer's tickets, usually its origin",
    example: 'https://news.example.com',
  })
  @IsString({ message: 'issuer must be text' })
  @CharLength(1, 512, { message: 'issuer must be 1 to 512 characters' })
  issuer!: string;

  @ApiPropertyOptional({
    description: 'Where the issuer publishes its public keys (a JWKS); give this or jwks',
    example: 'https://news.example.com/.well-known/jwks.json',
  })
  // Checked unless only jwks is given: also when neither is, so that the answer says what to
  // give, and when it is null.
  @ValidateIf((input: CreateIssuerDto) => input.jwks === undefined || input.jwksUrl !== undefined)
  @IsHttpUrl('jwksUrl must be an http(s) URL (give jwksUrl or jwks)')
  @CharLength(0, 2048, { message: 'jwksUrl must be at most 2048 characters' })
  jwksUrl?: string;

  @ApiPropertyOptional({
    description:
      'The issuer\'s public keys inline, as a JWKS ({ "keys": [...] }); give this or jwksUrl',
  })
  // Never null: a null passed for absent stored an issuer with no keys at all.
  @OptionalNotNull()
  @IsObject({ message: 'jwks must be a JSON Web Key Set object' })
  jwks?: { keys: unknown[] };
}

export class IssuerParams extends CommunitySlugParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuidParam('id must be a UUID')
  id!: string;
}

export class IssuerDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'https://news.example.com' })
  issuer!: string;

  @ApiProperty({ nullable: true, type: String })
  jwksUrl!: string | null;

  @ApiProperty({ nullable: true, type: Object, description: 'Inline public keys, or null' })
  jwks!: unknown;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static from(issuer: CredentialIssuer): IssuerDto {
    return {
      id: issuer.id,
      issuer: issuer.issuer,
      jwksUrl: issuer.jwksUrl,
      jwks: issuer.jwks,
      createdAt: issuer.createdAt.toISOString(),
    };
  }
}
