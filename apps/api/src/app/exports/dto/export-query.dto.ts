import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXPORT_STREAMS, type ExportStream } from '@bridgenotes/open-data';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

import { InOrder } from '../../common/in-order';
import { CommunitySlugParams } from '../../common/slug';

export const EXPORT_ORDERS = ['id', 'changes'] as const;
export type ExportOrder = (typeof EXPORT_ORDERS)[number];

export const TSV_FILES = ['notes', 'ratings', 'note-status-history', 'user-enrollment'] as const;
export type TsvFile = (typeof TSV_FILES)[number];

export class ExportStreamParams extends CommunitySlugParams {
  @ApiProperty({ enum: EXPORT_STREAMS })
  @IsIn(EXPORT_STREAMS, { message: `stream must be one of ${EXPORT_STREAMS.join(', ')}` })
  stream!: ExportStream;
}

export class ExportTsvParams extends CommunitySlugParams {
  @ApiProperty({ enum: TSV_FILES })
  @IsIn(TSV_FILES, { message: `file must be one of ${TSV_FILES.join(', ')}` })
  file!: TsvFile;
}

/** `?after=&limit=`: records after the one whose `cursor` is `after`, at most `limit`. */
export class ExportQuery {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 10_000, default: 1_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be from 1 to 10000' })
  @Max(10_000, { message: 'limit must be from 1 to 10000' })
  limit = 1_000;

  @ApiPropertyOptional({ description: '`cursor` of the last record received' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'after must be the cursor of a record' })
  after?: string;

  @ApiPropertyOptional({
    enum: EXPORT_ORDERS,
    default: 'id',
    description:
      '`changes` (notes, ratings and requests only): in the order of the change batches that last changed each record, for following a community; cursors are then change cursors',
  })
  @IsOptional()
  @IsIn(EXPORT_ORDERS, { message: `order must be one of ${EXPORT_ORDERS.join(', ')}` })
  order: ExportOrder = 'id';

  @ApiPropertyOptional({
    description:
      "With order=changes: only changes in batches below this one, the manifest's `changeHorizon`",
    example: '734521',
  })
  @IsOptional()
  @Matches(/^[0-9]{1,19}$/, { message: 'before must be a changeHorizon from the manifest' })
  // Only change order reads it: with id order it was ignored, the stream read to its end.
  @InOrder('changes', undefined)
  before?: string;
}
