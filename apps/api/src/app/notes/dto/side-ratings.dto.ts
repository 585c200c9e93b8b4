import { ApiProperty } from '@nestjs/swagger';
import type { SideRatingsResponse } from '@bridgenotes/protocol';

/**
 * One side's ratings of a note, as the deciding regime counted them: a viewpoint in a reader's
 * explanation, an opinion group in the console's overview.
 */
export class SideRatingsDto implements SideRatingsResponse {
  @ApiProperty({ example: 4, description: "Ratings from the side's members" })
  ratings!: number;

  @ApiProperty({ example: 3 })
  helpful!: number;

  @ApiProperty({ example: 1 })
  somewhatHelpful!: number;

  @ApiProperty({ example: 0 })
  notHelpful!: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: 0.875,
    description: 'Share of helpfulness (somewhat helpful counts half), null without ratings',
  })
  helpfulShare!: number | null;
}

/** A side's counts with its helpful share, which the small-community regime's test reads. */
export function sideRatings(
  ratings: number,
  helpful: number,
  somewhatHelpful: number,
  notHelpful: number,
): SideRatingsDto {
  return {
    ratings,
    helpful,
    somewhatHelpful,
    notHelpful,
    helpfulShare: ratings > 0 ? (helpful + 0.5 * somewhatHelpful) / ratings : null,
  };
}
