import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ScoringRunIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}
