import { ApiProperty } from '@nestjs/swagger';
import { NoteStatus } from '@bridgenotes/database';

export class StatusCountsDto {
  @ApiProperty({ example: 12 })
  NEEDS_MORE_RATINGS!: number;

  @ApiProperty({ example: 3 })
  CURRENTLY_RATED_HELPFUL!: number;

  @ApiProperty({ example: 1 })
  CURRENTLY_RATED_NOT_HELPFUL!: number;
}

export class NotePointDto {
  @ApiProperty({ description: "The note's intercept in the latest run", example: 0.42 })
  intercept!: number;

  @ApiProperty({ description: "The note's factor in the latest run", example: -0.12 })
  factor!: number;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  status!: NoteStatus;
}

export class ThresholdsDto {
  @ApiProperty({ description: 'Helpful needs an intercept at least this', example: 0.4 })
  helpfulIntercept!: number;

  @ApiProperty({ description: 'Helpful needs |factor| below this', example: 0.5 })
  helpfulMaxFactor!: number;

  @ApiProperty({
    description: 'Not helpful: intercept ≤ notHelpfulIntercept + notHelpfulFactorSlope × |factor|',
    example: -0.05,
  })
  notHelpfulIntercept!: number;

  @ApiProperty({ example: -0.8 })
  notHelpfulFactorSlope!: number;
}

export class FactorHistogramDto {
  @ApiProperty({ example: -1 })
  min!: number;

  @ApiProperty({ example: 1 })
  max!: number;

  @ApiProperty({ type: [Number], description: 'Raters per bin, equal bins from min to max' })
  counts!: number[];
}

export class MembersOnDayDto {
  @ApiProperty({ format: 'date', example: '2026-11-30' })
  day!: string;

  @ApiProperty({
    description: "Leaves in the group tree at the day's last change (removed members included)",
    example: 40,
  })
  size!: number;
}

export class CommunityOverviewDto {
  @ApiProperty({
    type: StatusCountsDto,
    description: 'Current notes per status, deleted ones left out',
  })
  statusCounts!: StatusCountsDto;

  @ApiProperty({
    type: [NotePointDto],
    description: 'Scored notes on the intercept × factor plane (at most 5,000, the newest)',
  })
  notes!: NotePointDto[];

  @ApiProperty({ type: ThresholdsDto, description: "The Core model's status thresholds" })
  thresholds!: ThresholdsDto;

  @ApiProperty({
    type: FactorHistogramDto,
    nullable: true,
    description: "The raters' factors in the latest successful run (null before one)",
  })
  raterFactors!: FactorHistogramDto | null;

  @ApiProperty({ description: 'Current members (removed ones left out)', example: 38 })
  memberCount!: number;

  @ApiProperty({
    type: [MembersOnDayDto],
    description: 'Group size per UTC day with a change, the last 365 days: growth, never who',
  })
  memberGrowth!: MembersOnDayDto[];
}
