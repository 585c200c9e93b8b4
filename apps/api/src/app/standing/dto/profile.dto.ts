import { ApiProperty } from '@nestjs/swagger';

import { IsNullifier } from '../../common/nullifier';
import { CommunitySlugParams } from '../../common/slug';
import { NoteDto } from '../../notes/dto/note.dto';
import type { Profile } from '../standing.service';
import { refusalError } from '../standing.service';

export class PseudonymParams extends CommunitySlugParams {
  @ApiProperty({
    description:
      'A pseudonym of the community (a Semaphore nullifier: a decimal below the SNARK scalar field, without leading zeros)',
  })
  @IsNullifier()
  pseudonym!: string;
}

export class WritingRefusalDto {
  @ApiProperty({ example: 'EARN_IN_REQUIRED', enum: ['EARN_IN_REQUIRED', 'WRITING_LOCKED'] })
  code!: string;

  @ApiProperty({ description: 'What the member must do' })
  message!: string;
}

export class ProfileDto {
  @ApiProperty()
  pseudonym!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The scoring run that computed the impacts; null before the first run that saw it',
  })
  runId!: string | null;

  @ApiProperty({
    description:
      'Ratings that agreed with the status their note was later decided at, minus those that did not',
  })
  ratingImpact!: number;

  @ApiProperty({ description: 'Notes rated helpful minus notes rated not helpful' })
  writingImpact!: number;

  @ApiProperty()
  successfulRatings!: number;

  @ApiProperty()
  unsuccessfulRatings!: number;

  @ApiProperty()
  notesHelpful!: number;

  @ApiProperty()
  notesNotHelpful!: number;

  @ApiProperty()
  notesNeedingRatings!: number;

  @ApiProperty({
    description: 'Of the last 5 decided notes, how many are not helpful (3 lock writing)',
  })
  recentNotHelpful!: number;

  @ApiProperty({ description: 'Rating impact of the ratings made since writing was locked' })
  impactSinceLock!: number;

  @ApiProperty({ description: "The community's earn-in impact" })
  earnInImpact!: number;

  @ApiProperty({ description: 'Whether the pseudonym may write notes now' })
  mayWrite!: boolean;

  @ApiProperty({ type: WritingRefusalDto, nullable: true })
  writingRefusal!: WritingRefusalDto | null;

  @ApiProperty({ description: 'Ratings the pseudonym holds now' })
  ratingCount!: number;

  @ApiProperty({
    description: 'Notes the pseudonym wrote, deleted ones included, hidden ones left out',
  })
  noteCount!: number;

  @ApiProperty({ type: [NoteDto], description: 'Its latest 100 notes, newest first' })
  notes!: NoteDto[];

  static from(pseudonym: string, profile: Profile): ProfileDto {
    const { standing, refusal } = profile;
    const error = refusal ? (refusalError(refusal).getResponse() as WritingRefusalDto) : null;
    return {
      pseudonym,
      runId: standing?.runId ?? null,
      ratingImpact: standing?.ratingImpact ?? 0,
      writingImpact: standing?.writingImpact ?? 0,
      successfulRatings: standing?.successfulRatings ?? 0,
      unsuccessfulRatings: standing?.unsuccessfulRatings ?? 0,
      notesHelpful: standing?.notesHelpful ?? 0,
      notesNotHelpful: standing?.notesNotHelpful ?? 0,
      notesNeedingRatings: standing?.notesNeedingRatings ?? 0,
      recentNotHelpful: standing?.recentNotHelpful ?? 0,
      impactSinceLock: standing?.impactSinceLock ?? 0,
      earnInImpact: profile.earnInImpact,
      mayWrite: refusal === null,
      writingRefusal: error ? { code: error.code, message: error.message } : null,
      ratingCount: profile.ratingCount,
      noteCount: profile.noteCount,
      notes: profile.notes.map((note) => NoteDto.from(note)),
    };
  }
}
