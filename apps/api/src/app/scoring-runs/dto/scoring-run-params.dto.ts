import { ApiProperty } from '@nestjs/swagger';

import { IsUuidParam } from '../../common/uuid-param';

export class ScoringRunIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuidParam('id must be a UUID')
  id!: string;
}
