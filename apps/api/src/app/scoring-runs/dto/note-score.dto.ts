import { ApiProperty } from '@nestjs/swagger';
import { NoteScore, NoteStatus } from '@bridgenotes/database';

export class NoteScoreDto {
  @ApiProperty({ format: 'uuid' })
  noteId!: string;

  @ApiProperty({ enum: NoteStatus, enumName: 'NoteStatus' })
  status!: NoteStatus;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What the run computed for the note: intercept, factor, bounds, ratings on each viewpoint side, the deciding rule',
  })
  score!: Record<string, unknown>;

  static from(row: NoteScore): NoteScoreDto {
    return {
      noteId: row.noteId,
      status: row.status,
      score: row.score as Record<string, unknown>,
    };
  }
}

export class NoteScorePageDto {
  @ApiProperty({ type: [NoteScoreDto], description: 'In note id order' })
  items!: NoteScoreDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
