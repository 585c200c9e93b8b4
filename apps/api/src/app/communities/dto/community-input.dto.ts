import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { AdmissionPolicy } from '@bridgenotes/database';
import { IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';

import { SLUG_PATTERN } from '../../common/slug';

export class CreateCommunityDto {
  @ApiProperty({ example: 'city-news', pattern: SLUG_PATTERN.source })
  @Matches(SLUG_PATTERN, {
    message: 'slug must be 1 to 64 lowercase letters, digits or inner dashes',
  })
  slug!: string;

  @ApiProperty({ example: 'City news', minLength: 1, maxLength: 120 })
  @IsString({ message: 'name must be text' })
  @Length(1, 120, { message: 'name must be 1 to 120 characters' })
  name!: string;

  @ApiPropertyOptional({ example: 'Notes on posts about our city', maxLength: 1000 })
  @IsOptional()
  @IsString({ message: 'description must be text' })
  @Length(0, 1000, { message: 'description must be at most 1000 characters' })
  description?: string;

  @ApiPropertyOptional({
    enum: AdmissionPolicy,
    enumName: 'AdmissionPolicy',
    default: AdmissionPolicy.INVITE,
  })
  @IsOptional()
  @IsEnum(AdmissionPolicy, { message: 'admission must be OPEN, INVITE or CLOSED' })
  admission?: AdmissionPolicy;
}

/** The slug is part of every URL and stays; everything else may change. */
export class UpdateCommunityDto extends PartialType(
  PickType(CreateCommunityDto, ['name', 'description', 'admission'] as const),
) {}
