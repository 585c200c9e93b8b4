import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Helpfulness,
  Note,
  NoteClassification,
  NoteStatus,
  NoteRequest,
  NoteStatusChange,
  Post,
  Rating,
} from '@bridgenotes/database';
import type {
  NoteRequestResponse,
  NoteResponse,
  PostNotesResponse,
  PostResponse,
  RatingResponse,
} from '@bridgenotes/protocol';

import { explanationOf, NoteExplanationDto } from './note-explanation.dto';

export class PostDto implements PostResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Canonical URL' })
  url!: string | null;

  @ApiProperty({ nullable: true, type: String })
  platform!: string | null;

  @ApiProperty({ nullable: true, type: String })
  externalId!: string | null;

  @ApiProperty({
    description:
      'Members who requested a note on this post: in the community asked for, or in all communities',
    example: 3,
  })
  requestCount!: number;

  static from(post: Post, requestCount: number): PostDto {
    return {
      id: post.id,
      url: post.canonicalUrl,
      platform: post.platform,
      externalId: post.externalId,
      requestCount,
    };
  }
}

export class NoteDto implements NoteResponse {
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
      "The latest scoring explanation: which scorer decided (decidingModel: CoreModel, CoreWithTopicsModel for a topic note, ExpansionModel or ExpansionPlusModel for a note no higher-priority scorer scored, GaussianModel, GaussianCoreWithTopicsModel, TopicModel where the topic's own model vetoed a helpful topic note, or SmallCommunityModel) and by which rule (decidedBy), the note's topic, its topic model's intercept, factor and confidence (topicModel) and every scorer's status (topic, scorers), the Core intercept, factor, pseudo-rater bounds and ratings on each viewpoint side, the Gaussian scorer's status and intercept (gaussian), the safeguards' figures",
  })
  score!: NoteResponse['score'];

  @ApiProperty({
    nullable: true,
    type: NoteExplanationDto,
    description:
      'Why the note has its status, for readers: each viewpoint side by side and, when it needs ratings, how many more helpful ratings and from which side. Null before its first scoring.',
  })
  explanation!: NoteExplanationDto | null;

  @ApiProperty({ format: 'date-time', description: "The author's minute of writing" })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  deletedAt!: string | null;

  @ApiProperty({
    description: 'Redacted by a moderator: its text and sources are empty (docs/moderation.md)',
  })
  redacted!: boolean;

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
      score: (note.score as NoteResponse['score']) ?? null,
      explanation: explanationOf(
        note.status,
        note.score,
        note.classification === NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING,
      ),
      createdAt: note.createdAt.toISOString(),
      deletedAt: note.deletedAt?.toISOString() ?? null,
      redacted: note.redacted,
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

export class PostNotesDto implements PostNotesResponse {
  @ApiProperty({ type: PostDto })
  post!: PostDto;

  @ApiProperty({ type: [NoteDto], description: 'Helpful notes first, then newest first' })
  notes!: NoteDto[];
}

export class NeedingRatingsNoteDto extends NoteDto {
  @ApiProperty({
    description: "Members of the community who requested a note on this note's post",
    example: 4,
  })
  postRequestCount!: number;
}

export class NotePageDto {
  @ApiProperty({ type: [NeedingRatingsNoteDto] })
  items!: NeedingRatingsNoteDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

export class RatingDto implements RatingResponse {
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

  static from(
    rating: Pick<Rating, 'noteId' | 'raterPseudonym' | 'helpfulness' | 'tags' | 'clientMinute'>,
  ): RatingDto {
    return {
      noteId: rating.noteId,
      raterPseudonym: rating.raterPseudonym,
      helpfulness: rating.helpfulness,
      tags: rating.tags,
      clientMinute: rating.clientMinute,
    };
  }
}

export class NoteRequestDto implements NoteRequestResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  communityId!: string;

  @ApiProperty({ format: 'uuid' })
  postId!: string;

  @ApiProperty({
    description: "The requester's pseudonym in the community (a Semaphore nullifier)",
    example: '8461932025306126329101548412931282106468227302426402473981349812231460352187',
  })
  requesterPseudonym!: string;

  @ApiProperty({ description: 'The proven minute of the stored request', example: 29_591_488 })
  clientMinute!: number;

  @ApiProperty({
    description:
      "Members of the community whose requests for a note on this post are stored (sealed), and this request, counted once whether it is sealed or still waits in the write buffer. Other members' waiting requests are not counted: they show once their batch is sealed (docs/threat-model.md, sealed writes).",
    example: 4,
  })
  postRequestCount!: number;

  static from(request: NoteRequest, postRequestCount: number): NoteRequestDto {
    return {
      id: request.id,
      communityId: request.communityId,
      postId: request.postId,
      requesterPseudonym: request.requesterPseudonym,
      clientMinute: request.clientMinute,
      postRequestCount,
    };
  }
}

export class RequestedPostDto {
  @ApiProperty({
    type: PostDto,
    description: "The post; its requestCount is the community's, as the list is ordered by",
  })
  post!: PostDto;

  @ApiProperty({
    description: "The community's notes on the post, deleted ones left out: 0 when none is written",
    example: 0,
  })
  noteCount!: number;
}

export class RequestedPostPageDto {
  @ApiProperty({ type: [RequestedPostDto] })
  items!: RequestedPostDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
