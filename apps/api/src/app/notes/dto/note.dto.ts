import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Helpfulness,
  Note,
  NoteClassification,
  NoteStatus,
  NoteStatusChange,
  Post,
  Rating,
} from '@bridgenotes/database';

export class PostDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Canonical URL' })
  url!: string | null;

  @ApiProperty({ nullable: true, type: String })
  platform!: string | null;

  @ApiProperty({ nullable: true, type: String })
  externalId!: string | null;

  static from(post: Post): PostDto {
    return {
      id: post.id,
      url: post.canonicalUrl,
      platform: post.platform,
      externalId: post.externalId,
    };
  }
}

export class NoteDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  communityId!: string;

  @ApiProperty({ format: 'uuid' })
  postId!: string;

  @ApiProperty({ description: "The author's pseudonym in the community (a Semaphore nullifier)" })
  authorPseudonym!: string;

  @ApiProperty({ enum: NoteClassification, enumName: 'NoteClassification' })
  classification!: NoteClassification;

  @ApiProperty({ type: [String] })
  reasons!: string[];

  @ApiProperty()
  text!: string;

  @ApiProperty({ type: [String] })
  sources!: string[];

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  status!: NoteStatus;

  @ApiProperty({ description: 'Ratings currently counted for this note', example: 12 })
  ratingCount!: number;

  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description:
      'The latest scoring explanation: intercept, factor, pseudo-rater bounds, ratings on each viewpoint side, the deciding rule',
  })
  score!: Record<string, unknown> | null;

  @ApiProperty({ format: 'date-time', description: "The author's minute of writing" })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  deletedAt!: string | null;

  static from(note: Note & { _count?: { ratings: number } }): NoteDto {
    return {
      id: note.id,
      communityId: note.communityId,
      postId: note.postId,
      authorPseudonym: note.authorPseudonym,
      classification: note.classification,
      reasons: note.reasons,
      text: note.text,
      sources: note.sources,
      status: note.status,
      ratingCount: note._count?.ratings ?? 0,
      score: (note.score as Record<string, unknown> | null) ?? null,
      createdAt: note.createdAt.toISOString(),
      deletedAt: note.deletedAt?.toISOString() ?? null,
    };
  }
}

export class StatusChangeDto {
  @ApiProperty({ format: 'uuid', description: 'The scoring run that made the change' })
  runId!: string;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  previous!: NoteStatus;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  next!: NoteStatus;

  @ApiProperty({ format: 'date-time' })
  changedAt!: string;

  static from(change: NoteStatusChange): StatusChangeDto {
    return {
      runId: change.runId,
      previous: change.previous,
      next: change.next,
      changedAt: change.changedAt.toISOString(),
    };
  }
}

export class NoteDetailDto extends NoteDto {
  @ApiProperty({
    type: [StatusChangeDto],
    description: 'Every published change of status, oldest first (the latest 100)',
  })
  statusHistory!: StatusChangeDto[];

  static withHistory(
    note: Note & { _count?: { ratings: number } },
    changes: NoteStatusChange[],
  ): NoteDetailDto {
    return { ...NoteDto.from(note), statusHistory: changes.map(StatusChangeDto.from) };
  }
}

export class PostNotesDto {
  @ApiProperty({ type: PostDto })
  post!: PostDto;

  @ApiProperty({ type: [NoteDto], description: 'Helpful notes first, then newest first' })
  notes!: NoteDto[];
}

export class NotePageDto {
  @ApiProperty({ type: [NoteDto] })
  items!: NoteDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

export class RatingDto {
  @ApiProperty({ format: 'uuid' })
  noteId!: string;

  @ApiProperty({ description: "The rater's pseudonym in the community" })
  raterPseudonym!: string;

  @ApiProperty({ enum: Helpfulness, enumName: 'Helpfulness' })
  helpfulness!: Helpfulness;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({ example: 29_591_488 })
  clientMinute!: number;

  static from(rating: Rating): RatingDto {
    return {
      noteId: rating.noteId,
      raterPseudonym: rating.raterPseudonym,
      helpfulness: rating.helpfulness,
      tags: rating.tags,
      clientMinute: rating.clientMinute,
    };
  }
}
