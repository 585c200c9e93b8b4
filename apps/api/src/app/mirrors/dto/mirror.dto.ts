import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NoteStatus } from '@bridgenotes/database';
import { MIRROR_ERROR_CODES, type MirrorErrorCode } from '@bridgenotes/mirroring';

export class MirrorOriginDto {
  @ApiProperty({ example: 'https://notes.example.org' })
  url!: string;

  @ApiProperty({ example: 'city-news' })
  slug!: string;

  @ApiProperty({
    description:
      "The rules the origin accepted actions by, from its manifest: each bound the widest it has stated (a later, narrower statement leaves it), which the mirror's export restates",
    example: { rootHistoryWindowSeconds: 3600, clockSkewMinutes: 10 },
  })
  rules!: { rootHistoryWindowSeconds: number; clockSkewMinutes: number };
}

export class MirrorCommunityDto {
  @ApiProperty({ format: 'uuid', description: "The origin's community id, kept here" })
  id!: string;

  @ApiProperty({ example: 'city-news' })
  slug!: string;
}

export class MirrorPromotionDto {
  @ApiProperty({
    description: 'The origin it was mirrored from',
    example: { url: 'https://notes.example.org', community: 'city-news' },
  })
  from!: { url: string; community: string };

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ description: "The group's root when promoted", example: '1234…' })
  root!: string;

  @ApiProperty({ description: "The group's size when promoted", example: 42 })
  treeSize!: number;

  @ApiProperty({
    description:
      "The origin's change horizon the mirror had read every note and rating change below",
    example: '734521',
  })
  originChangeHorizon!: string;

  @ApiProperty({
    description:
      "This instance's change batch at the promotion: every change below it is the origin's",
    example: '1830',
  })
  changeHorizon!: string;

  @ApiProperty({ example: { rootHistoryWindowSeconds: 3600, clockSkewMinutes: 10 } })
  originRules!: { rootHistoryWindowSeconds: number; clockSkewMinutes: number };
}

export class MirrorDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: MirrorCommunityDto })
  community!: MirrorCommunityDto;

  @ApiProperty({ type: MirrorOriginDto })
  origin!: MirrorOriginDto;

  @ApiProperty({ description: 'Whether the instance still pulls from the origin', example: true })
  following!: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  stoppedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Last pull' })
  lastPullAt!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'Last pull that ran to the end (its lastErrorCode may still say that the change feeds wait for a root dated ahead: ROOT_TIME_INVALID)',
  })
  lastSuccessAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why the last pull stopped (origin unreachable, …), or why it ran without the change feeds (a root dated ahead of this clock); null when it ran to the end with them',
    example: null,
  })
  lastError!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    enum: MIRROR_ERROR_CODES,
    description:
      'Why the last pull stopped, as a code: the origin unreachable, invalid, or over one of the limits it is read within (ORIGIN_RECORD_TOO_LARGE, ORIGIN_STALLED…, docs/operations.md), or ROOT_TIME_INVALID when it ran but the change feeds wait for a root dated ahead of this clock; null when it ran to the end with them',
    example: null,
  })
  lastErrorCode!: MirrorErrorCode | null;

  @ApiProperty({
    type: MirrorPromotionDto,
    nullable: true,
    description:
      'Set once the operator promoted the stopped mirror into a community of this instance (POST /mirrors/{id}/promote), which then takes writes; the export manifest states the same',
  })
  promotion!: MirrorPromotionDto | null;
}

export class MirrorRunDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "SHA-256 of the run's input: with its run time, histories and post ids, so never equal across instances",
  })
  inputHash!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'SHA-256 of only what members submitted (notes with their post by key, ratings with tags); equal when both sides scored the same data',
  })
  dataHash!: string | null;
}

export class MirrorDivergenceSummaryDto {
  @ApiProperty({ description: 'Notes scored by both runs', example: 120 })
  compared!: number;

  @ApiProperty({ description: 'Of those, notes whose statuses differ', example: 1 })
  differing!: number;

  @ApiProperty({
    description:
      'Of the differing notes, those whose statuses differ before stabilisation too (cause SCORES): the rest are held back by stabilisation, or locked, on one side, as the runs ran at different times from histories of their own',
    example: 0,
  })
  disagreeing!: number;

  @ApiProperty({
    description:
      'Whether both runs scored the same notes and ratings (same data hash: what members submitted, without run time, histories or post ids)',
    example: true,
  })
  sameInput!: boolean;
}

export class MirrorDetailDto extends MirrorDto {
  @ApiProperty({
    description: "Where each stream's next pull resumes (export cursors)",
    example: { roots: 'MjAyNi0…', members: '41', notes: 'NzM0NTIxfGQ…', ratings: 'NzM0NTMwfDE…' },
  })
  cursors!: Record<string, string>;

  @ApiProperty({
    description: 'What this instance holds of the community',
    example: { members: 42, roots: 12, notes: 120, ratings: 1800 },
  })
  held!: { members: number; roots: number; notes: number; ratings: number };

  @ApiProperty({ description: 'Records refused so far (see /mirrors/{id}/refusals)', example: 0 })
  refusals!: number;

  @ApiProperty({
    type: MirrorRunDto,
    nullable: true,
    description: "The origin's latest succeeded run whose statuses were fetched",
  })
  originRun!: MirrorRunDto | null;

  @ApiProperty({
    type: MirrorRunDto,
    nullable: true,
    description: "This instance's latest succeeded run of the community",
  })
  localRun!: MirrorRunDto | null;

  @ApiProperty({ type: MirrorDivergenceSummaryDto, nullable: true })
  divergence!: MirrorDivergenceSummaryDto | null;
}

export class MirrorRefusalDto {
  @ApiProperty({
    enum: ['roots', 'members', 'notes', 'ratings', 'requests', 'moderation'],
    example: 'ratings',
  })
  stream!: string;

  @ApiProperty({ example: 'rating 0b6f3c1e-8a4d-4f3e-9c55-2d7f1a9e4b21' })
  subject!: string;

  @ApiProperty({
    description: 'The check that failed, as `bridgenotes verify` names it',
    example: 'PROOF_MESSAGE',
  })
  code!: string;

  @ApiProperty({
    example:
      "the record's fields do not hash to the proof's message: the rating.put payload was changed after it was proven",
  })
  message!: string;

  @ApiProperty({ format: 'date-time' })
  firstSeenAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: string;

  @ApiProperty({ description: 'Pulls that met it', example: 1 })
  times!: number;
}

export class MirrorRefusalPageDto {
  @ApiProperty({ type: [MirrorRefusalDto] })
  items!: MirrorRefusalDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class DivergentNoteDto {
  @ApiProperty({ format: 'uuid' })
  noteId!: string;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus', description: "This instance's status" })
  local!: NoteStatus;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus', description: "The origin's status" })
  origin!: NoteStatus;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "This instance's status before stabilisation and locking (its explanation's)",
    example: 'CURRENTLY_RATED_HELPFUL',
  })
  localPreStabilization!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "The origin's status before stabilisation and locking; null if it published none",
    example: 'CURRENTLY_RATED_HELPFUL',
  })
  originPreStabilization!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "What decided this instance's status",
    example: 'NmrDueToMinStableCrhTime',
  })
  localDecidedBy!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "What decided the origin's status",
    example: 'GeneralCRH',
  })
  originDecidedBy!: string | null;

  @ApiProperty({
    enum: ['HISTORY', 'SCORES'],
    description:
      'HISTORY: the statuses agree before stabilisation; one side holds the note back (a new helpful note waits 30–60 min) or keeps a locked status, which depend on when each side ran. SCORES: they differ before stabilisation too (different data, or, rarely, a borderline note whose history lowers its bar on one side only)',
    example: 'HISTORY',
  })
  cause!: 'HISTORY' | 'SCORES';
}

export class MirrorDivergenceDto extends MirrorDivergenceSummaryDto {
  @ApiProperty({ type: MirrorRunDto, nullable: true })
  originRun!: MirrorRunDto | null;

  @ApiProperty({ type: MirrorRunDto, nullable: true })
  localRun!: MirrorRunDto | null;

  @ApiProperty({ type: [DivergentNoteDto], description: 'Notes whose statuses differ, by id' })
  items!: DivergentNoteDto[];

  @ApiPropertyOptional({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class MirrorPullDto {
  @ApiProperty({ example: true })
  queued!: boolean;
}
