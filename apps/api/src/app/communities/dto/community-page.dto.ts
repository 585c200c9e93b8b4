import { ApiProperty } from '@nestjs/swagger';

import { CommunityDto } from './community.dto';

export class CommunityPageDto {
  @ApiProperty({ type: [CommunityDto], description: 'By slug' })
  items!: CommunityDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
