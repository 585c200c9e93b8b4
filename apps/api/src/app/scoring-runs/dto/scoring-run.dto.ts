import { ApiProperty } from '@nestjs/swagger';
import { RUN_FAILURES, RunFailureCode, ScoringRun, ScoringRunStatus } from '@bridgenotes/database';
import type { ScoringRegime } from '@bridgenotes/protocol';

import { REGIME_ENUM, storedRegime } from './scoring-regime';

export class ScoringRunDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  communityId!: string;

  @ApiProperty({
    enum: ScoringRunStatus,
    enumName: 'ScoringRunStatus',
    example: ScoringRunStatus.QUEUED,
  })
  status!: ScoringRunStatus;

  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: string | null;

  @ApiProperty({ description: 'Attempts the worker has made so far', example: 1 })
  attempts!: number;

  @ApiProperty({ nullable: true, type: Number, description: 'Notes the run read', example: 42 })
  noteCount!: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Ratings the run read', example: 420 })
  ratingCount!: number | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'SHA-256 (hex) of the run input in canonical order; equal hashes, equal input',
  })
  inputHash!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'SHA-256 (hex) of only what members submitted (notes with their post by key, ratings with tags; no run time, history or post id): equal on every instance holding the same data, e.g. an origin and its mirror',
    example: '9f2c4e0b7d1a3c5e8f6b2d4a0c9e7f1b3d5a8c2e4f6b0d9a7c1e3f5b8d2a4c6e',
  })
  dataHash!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      "The run's time as the scorer saw it (stabilisation holds and status locks are measured against it); part of the input",
  })
  nowAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'meta/7' })
  algorithmVersion!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    enum: REGIME_ENUM,
    description:
      'The model that decided the statuses, chosen from the data: the Community Notes Core model, or the small-community regime (opinion groups) while too few members have rated enough for it; null for runs before the regimes',
  })
  regime!: ScoringRegime | null;

  @ApiProperty({
    enum: ['FULL', 'INCREMENTAL'],
    description:
      'FULL: every note scored, rater parameters fitted anew; INCREMENTAL: only the notes with new ratings, scored against the rater parameters of the full run baseRunId',
  })
  kind!: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  baseRunId!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Seed of the factorisation' })
  seed!: number | null;

  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Notes per published status',
    example: { NEEDS_MORE_RATINGS: 40, CURRENTLY_RATED_HELPFUL: 2, CURRENTLY_RATED_NOT_HELPFUL: 1 },
  })
  statusCounts!: Record<string, number> | null;

  @ApiProperty({
    nullable: true,
    type: String,
    enum: Object.values(RunFailureCode),
    enumName: 'RunFailureCode',
    description:
      'Why the run failed (FAILED runs only): STALLED, JOB_LOST, JOB_COMPLETED_UNPUBLISHED, RUN_NOT_PENDING, SUPERSEDED, BASE_REPLACED, TIMED_OUT, DATABASE_UNAVAILABLE, COPIED_UNFINISHED, or WORKER_ERROR for any other error (docs/operations.md)',
  })
  errorCode!: RunFailureCode | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The code's fixed message, never an error's own text (which can quote stored data); the operator finds that in the worker's log",
  })
  error!: string | null;

  static from(run: ScoringRun): ScoringRunDto {
    return {
      id: run.id,
      communityId: run.communityId,
      status: run.status,
      requestedAt: run.requestedAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      attempts: run.attempts,
      noteCount: run.noteCount,
      ratingCount: run.ratingCount,
      inputHash: run.inputHash,
      dataHash: run.dataHash,
      nowAt: run.nowAt?.toISOString() ?? null,
      algorithmVersion: run.algorithmVersion,
      regime: storedRegime(run.regime),
      kind: run.kind,
      baseRunId: run.baseRunId,
      seed: run.seed,
      statusCounts: run.statusCounts as Record<string, number> | null,
      errorCode: run.errorCode,
      error: run.errorCode && RUN_FAILURES[run.errorCode],
    };
  }
}
