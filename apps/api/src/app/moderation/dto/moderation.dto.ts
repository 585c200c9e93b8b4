import { ApiProperty } from '@nestjs/swagger';
import type { ModeratorKey, NoteReport } from '@bridgenotes/database';
import {
  MODERATION_ACTIONS,
  REPORT_REASONS,
  type IssuedModeratorKeyResponse,
  type ModerationActionCode,
  type ModerationLogEntry,
  type ModerationLogEntryResponse,
  type ModerationLogResponse,
  type ModeratorKeyResponse,
  type NoteReportResponse,
  type NoteStatus,
  type ReportedNoteResponse,
  type ReportQueueResponse,
  type ReportReasonCode,
} from '@bridgenotes/protocol';

const day = (date: Date) => date.toISOString().slice(0, 10);

export class NoteReportDto implements NoteReportResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  noteId!: string;

  @ApiProperty({ enum: REPORT_REASONS, enumName: 'ReportReason' })
  reason!: ReportReasonCode;

  @ApiProperty({ example: '2026-12-03', description: 'UTC day' })
  day!: string;

  static from(report: NoteReport): NoteReportDto {
    return { id: report.id, noteId: report.noteId, reason: report.reason, day: day(report.day) };
  }
}

export class ModeratorKeyDto implements ModeratorKeyResponse {
  @ApiProperty({ format: 'uuid', description: 'The id the moderation log names' })
  id!: string;

  @ApiProperty({ example: 'Ana' })
  label!: string;

  @ApiProperty({ example: '2026-12-03', description: 'UTC day it was issued' })
  createdDay!: string;

  @ApiProperty()
  revoked!: boolean;

  static from(key: ModeratorKey): ModeratorKeyDto {
    return {
      id: key.id,
      label: key.label,
      createdDay: day(key.createdDay),
      revoked: key.revokedAt !== null,
    };
  }
}

export class IssuedModeratorKeyDto extends ModeratorKeyDto implements IssuedModeratorKeyResponse {
  @ApiProperty({
    description:
      'The key: shown this once (only its SHA-256 is kept). Send as Authorization: Bearer <secret>',
    example: 'bnmod_3q2-7wE…',
  })
  secret!: string;
}

class ReportedNoteBodyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) postId!: string;
  @ApiProperty({ type: String, nullable: true }) postUrl!: string | null;
  @ApiProperty() authorPseudonym!: string;
  @ApiProperty({ description: 'Empty once redacted' }) text!: string;
  @ApiProperty({ type: [String] }) sources!: string[];
  @ApiProperty({ example: 'NEEDS_MORE_RATINGS' }) status!: NoteStatus;
  @ApiProperty() deleted!: boolean;
  @ApiProperty() hidden!: boolean;
  @ApiProperty() redacted!: boolean;
  @ApiProperty() authorBlocked!: boolean;
}

export class ReportedNoteDto implements ReportedNoteResponse {
  @ApiProperty({ type: ReportedNoteBodyDto })
  note!: ReportedNoteBodyDto;

  @ApiProperty({ example: 3 })
  reportCount!: number;

  @ApiProperty({
    description: 'Reports per reason',
    example: { PERSONAL_DATA: 2, OTHER: 1 },
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  reasons!: Partial<Record<ReportReasonCode, number>>;

  @ApiProperty({
    type: [String],
    description:
      'The texts of its open reports that gave one (not those an earlier action handled)',
  })
  texts!: string[];

  @ApiProperty({ example: '2026-12-03' })
  lastDay!: string;
}

export class ReportQueueDto implements ReportQueueResponse {
  @ApiProperty({
    type: [ReportedNoteDto],
    description: 'Latest reported first, then most reported',
  })
  items!: ReportedNoteDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}

export class ModerationLogEntryDto implements ModerationLogEntryResponse {
  @ApiProperty({ example: 1 }) seq!: number;
  @ApiProperty({ enum: MODERATION_ACTIONS, enumName: 'ModerationAction' })
  action!: ModerationActionCode;
  @ApiProperty({ example: 'note:0b6f4f5e-9a43-4d8e-8c55-5b1f0d1a2c3e' }) target!: string;
  @ApiProperty({ example: 'PERSONAL_DATA' }) reasonCode!: string;
  @ApiProperty({ description: 'A moderator key id, or operator' }) moderatorKeyId!: string;
  @ApiProperty({ example: '2026-12-03' }) day!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "REDACT: the redacted note's proof message (decimal)",
  })
  message!: string | null;
  @ApiProperty({ description: 'SHA-256 hex of the previous entry (64 zeros for the first)' })
  previousHash!: string;
  @ApiProperty({ description: 'SHA-256 hex of this entry (docs/moderation.md)' }) hash!: string;

  static from(entry: ModerationLogEntry): ModerationLogEntryDto {
    return { ...entry };
  }
}

export class ModerationLogDto implements ModerationLogResponse {
  @ApiProperty({ type: [ModerationLogEntryDto] })
  items!: ModerationLogEntryDto[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'order=oldest: pass as `after` for the next page; null at the end',
  })
  nextAfter!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'order=newest: pass as `before` for the older page; null at the first entry',
  })
  nextBefore!: number | null;
}
