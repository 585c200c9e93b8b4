import { ApiProperty } from '@nestjs/swagger';
import { NoteStatus } from '@bridgenotes/database';
import type {
  CommunityOverviewResponse,
  CoreThresholdsResponse,
  FactorHistogramResponse,
  GroupNotePointResponse,
  GroupRatingsResponse,
  NotePointResponse,
  OpinionGroupRuleResponse,
  OpinionGroupSplitResponse,
  ScoringRegime,
} from '@bridgenotes/protocol';

import { SideRatingsDto } from '../../notes/dto/side-ratings.dto';
import { REGIME_ENUM } from '../../scoring-runs/dto/scoring-regime';

export class StatusCountsDto {
  @ApiProperty({ example: 12 })
  NEEDS_MORE_RATINGS!: number;

  @ApiProperty({ example: 3 })
  CURRENTLY_RATED_HELPFUL!: number;

  @ApiProperty({ example: 1 })
  CURRENTLY_RATED_NOT_HELPFUL!: number;
}

export class NotePointDto implements NotePointResponse {
  @ApiProperty({ description: "The note's intercept in the latest run", example: 0.42 })
  intercept!: number;

  @ApiProperty({ description: "The note's factor in the latest run", example: -0.12 })
  factor!: number;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  status!: NoteStatus;
}

export class ThresholdsDto implements CoreThresholdsResponse {
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

/** One opinion group's ratings of a note, with the helpful ratings its test still needs. */
export class GroupRatingsDto extends SideRatingsDto implements GroupRatingsResponse {
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "The scorer's figure: HELPFUL ratings the group must still give for the note's helpful test to pass in it, whatever the note's status (0: it passes; null: more than `groupRule.maxHelpfulNeeded`). A reader's explanation (`helpfulRatingsNeeded`) shows it only while the note needs ratings.",
    example: 0,
  })
  helpfulNeededToPass!: number | null;
}

export class GroupNotePointDto implements GroupNotePointResponse {
  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  status!: NoteStatus;

  @ApiProperty({
    type: [GroupRatingsDto],
    minItems: 2,
    maxItems: 2,
    description: 'Group A (negative factors) then group B: their ratings of the note',
  })
  groups!: [GroupRatingsDto, GroupRatingsDto];
}

export class OpinionGroupRuleDto implements OpinionGroupRuleResponse {
  @ApiProperty({ description: 'Ratings a note needs from each group before a verdict', example: 3 })
  minRatingsPerGroup!: number;

  @ApiProperty({
    description:
      "Helpful: each group's lower bound at least this; not helpful: each group's upper bound below it",
    example: 0.5,
  })
  share!: number;

  @ApiProperty({
    description:
      "The bounds are the share's Beta(1, 1) posterior mean minus and plus z standard deviations",
    example: 1,
  })
  z!: number;

  @ApiProperty({
    description:
      "The most HELPFUL ratings a group's figure counts: past it, `helpfulNeededToPass` is null",
    example: 50,
  })
  maxHelpfulNeeded!: number;
}

export class OpinionGroupSplitDto implements OpinionGroupSplitResponse {
  @ApiProperty({
    type: [Number],
    minItems: 2,
    maxItems: 2,
    description:
      'Members in group A (factor ≤ −margin, on the side where most members’ factors lie) and in group B (≥ margin)',
    example: [7, 5],
  })
  sizes!: [number, number];

  @ApiProperty({
    description: "How far from 0 a member's factor must be to join a group; 0 without a fit",
    example: 0.08,
  })
  margin!: number;
}

export class FactorHistogramDto implements FactorHistogramResponse {
  @ApiProperty({ example: -1 })
  min!: number;

  @ApiProperty({ example: 1 })
  max!: number;

  @ApiProperty({ type: [Number], description: 'Raters per bin, equal bins from min to max' })
  counts!: number[];

  @ApiProperty({
    type: OpinionGroupSplitDto,
    nullable: true,
    description:
      "The opinion groups the run formed on this axis (the small-community regime's viewpoint fit); null for a Core run, and for a small-community run made before the groups were recorded (its factors are then the Core's final round, which did not decide it)",
  })
  groups!: OpinionGroupSplitDto | null;
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

export class CommunityOverviewDto implements CommunityOverviewResponse {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the latest successful run finished; null before one',
  })
  latestRunFinishedAt!: string | null;

  @ApiProperty({
    type: String,
    enum: REGIME_ENUM,
    nullable: true,
    description:
      'The regime that decided the latest successful run (docs/architecture.md, "Scoring regimes"): the Core model, whose figures are `notes` and `thresholds`, or the small-community regime (opinion groups), whose are `groupNotes` and `groupRule`; null before a run, and for a run made before runs recorded their regime (the Core decided those)',
  })
  regime!: ScoringRegime | null;

  @ApiProperty({
    type: StatusCountsDto,
    description: 'Current notes per status, deleted ones left out',
  })
  statusCounts!: StatusCountsDto;

  @ApiProperty({
    type: [NotePointDto],
    description:
      'Notes with a Core intercept and factor, on that plane (at most 5,000, the newest)',
  })
  notes!: NotePointDto[];

  @ApiProperty({ type: ThresholdsDto, description: "The Core model's status thresholds" })
  thresholds!: ThresholdsDto;

  @ApiProperty({
    type: [GroupNotePointDto],
    description:
      "Notes the small-community regime decided, by each opinion group's ratings (at most 5,000, the newest): what decided them, never who rated",
  })
  groupNotes!: GroupNotePointDto[];

  @ApiProperty({ type: OpinionGroupRuleDto, description: "The small-community regime's rule" })
  groupRule!: OpinionGroupRuleDto;

  @ApiProperty({
    type: FactorHistogramDto,
    nullable: true,
    description:
      "The raters' factors of the fit that decided the latest successful run (the Core's final round, or the small-community regime's viewpoint fit with its groups); null before one, and for a run made before they were recorded",
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
