import { ApiProperty } from '@nestjs/swagger';

import { ScoringRunDto } from './scoring-run.dto';

export class ScoringRunPageDto {
  @ApiProperty({ type: [ScoringRunDto], description: 'Newest request first' })
  items!: ScoringRunDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
