import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DISMISS_REASON,
  MODERATION_ACTIONS,
  MODERATION_REASONS,
  reasonsFor,
  REPORT_REASONS,
  REVIEW_ACTIONS,
  type ModerationAction,
  type ModerationReason,
  type ReportReason,
} from '@bridgenotes/protocol';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';

import { IsUuidParam } from '../../common/uuid-param';
import { CommunitySlugParams } from '../../common/slug';
import { ProvenInput } from '../../notes/dto/note-input.dto';
import { CharLength } from '../../common/char-length';
import { IsNullifier } from '../../common/nullifier';
import { InOrder as InOrderOfAny } from '../../common/in-order';
import { OptionalNotNull } from '../../common/optional-not-null';

/** Action `note.report`, target `note:<noteId>`, payload `{ reason, text }` (docs/protocol.md). */
export class ReportNoteDto extends ProvenInput {
  @ApiProperty({ enum: REPORT_REASONS, enumName: 'ReportReason' })
  @IsIn(REPORT_REASONS, { message: `reason must be one of ${REPORT_REASONS.join(', ')}` })
  reason!: ReportReason;

  @ApiPropertyOptional({
    description:
      'What is wrong, in words (required for OTHER; at most 500 characters); left out or "" when none (null is refused: 400 VALIDATION_FAILED)',
    example: '',
    default: '',
  })
  @OptionalNotNull()
  @IsString({ message: 'text must be text' })
  @CharLength(0, 500, { message: 'text must be at most 500 characters' })
  text?: string;
}

export class NoteReportParams extends CommunitySlugParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuidParam('noteId must be a UUID')
  noteId!: string;
}

export class ModeratorKeyParams extends CommunitySlugParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuidParam('keyId must be a UUID')
  keyId!: string;
}

export class IssueModeratorKeyDto {
  @ApiProperty({
    description: 'Whose key it is, for the operator (1 to 120 characters)',
    example: 'Ana',
  })
  @IsString({ message: 'label must be text' })
  @CharLength(1, 120, { message: 'label must be 1 to 120 characters' })
  label!: string;
}

/**
 * The reason says in public why: REVIEWED for an action after a review (RESTORE, UNBLOCK, and
 * DISMISS, which finds the note harmless), a report reason for HIDE, REDACT and BLOCK (REVIEWED
 * there would say nothing was wrong). An unknown action is `action`'s own refusal.
 */
const REASON_RULE = `reasonCode must be ${DISMISS_REASON} for ${REVIEW_ACTIONS.join(', ')} (after a review), and a report reason (${REPORT_REASONS.join(', ')}) for ${MODERATION_ACTIONS.filter((action) => !REVIEW_ACTIONS.includes(action)).join(', ')}`;

const FitsAction = () =>
  ValidateBy({
    name: 'fitsAction',
    validator: {
      validate: (value: unknown, args) => {
        const action = (args?.object as { action?: unknown }).action as ModerationAction;
        return (
          !MODERATION_ACTIONS.includes(action) ||
          (reasonsFor(action) as readonly unknown[]).includes(value)
        );
      },
      defaultMessage: () => REASON_RULE,
    },
  });

/** A note action names `noteId`, a pseudonym action `pseudonym`: exactly one of them. */
export class ModerationActionDto {
  @ApiProperty({ enum: MODERATION_ACTIONS, enumName: 'ModerationAction' })
  @IsIn(MODERATION_ACTIONS, { message: `action must be one of ${MODERATION_ACTIONS.join(', ')}` })
  action!: ModerationAction;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'For HIDE, RESTORE, REDACT and DISMISS; left out for the others (null is refused: 400 VALIDATION_FAILED)',
  })
  @OptionalNotNull()
  @IsUuidParam('noteId must be a UUID')
  noteId?: string;

  @ApiPropertyOptional({
    description:
      'For BLOCK and UNBLOCK: the pseudonym (a Semaphore nullifier, decimal); left out for the others (null is refused: 400 VALIDATION_FAILED)',
    example: '1234567890',
  })
  @OptionalNotNull()
  @IsNullifier()
  pseudonym?: string;

  @ApiProperty({
    enum: MODERATION_REASONS,
    enumName: 'ModerationReason',
    description:
      'Public in the log: REVIEWED for RESTORE, UNBLOCK and DISMISS (after a review), a report reason for HIDE, REDACT and BLOCK',
  })
  @IsIn(MODERATION_REASONS, {
    message: `reasonCode must be one of ${MODERATION_REASONS.join(', ')}`,
  })
  @FitsAction()
  reasonCode!: ModerationReason;
}

export const LOG_ORDERS = ['oldest', 'newest'] as const;
export type LogOrder = (typeof LOG_ORDERS)[number];

/**
 * A page of the public log: forward from `after` (a verifier's or a mirror's read, the chain in
 * order), or back from `before` with `order=newest` (a moderator's read: the latest decisions
 * first, whatever the log's length).
 */
/**
 * A cursor of the other order would be ignored, and its page read as the first (a `before` with
 * the forward order answered the log's first entries and `nextBefore: null`, "nothing older").
 */
const InOrder = (order: LogOrder, unset: unknown) => InOrderOfAny(order, unset);

export class ModerationLogQuery {
  @ApiPropertyOptional({
    enum: LOG_ORDERS,
    default: 'oldest',
    description:
      'oldest: entries after `after`, oldest first (the chain in order). newest: entries before `before`, newest first',
  })
  @IsOptional()
  @IsIn(LOG_ORDERS, { message: `order must be one of ${LOG_ORDERS.join(', ')}` })
  order: LogOrder = 'oldest';

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    default: 0,
    description: 'With order=oldest: entries after this seq (0: from the start)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'after must be a whole number' })
  @Min(0, { message: 'after must be 0 or more' })
  @Max(2_000_000_000, { message: 'after must be at most 2000000000' })
  @InOrder('oldest', 0)
  after = 0;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    description: 'With order=newest: entries before this seq (`nextBefore`); absent: the newest',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'before must be a whole number' })
  @Min(1, { message: 'before must be 1 or more' })
  @Max(2_000_000_000, { message: 'before must be at most 2000000000' })
  @InOrder('newest', undefined)
  before?: number;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be from 1 to 1000' })
  @Max(1000, { message: 'limit must be from 1 to 1000' })
  limit = 1000;
}
