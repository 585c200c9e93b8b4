import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';

import { WithoutDatabaseErrors } from '../common/common-errors';
import { OperatorOnly } from '../common/operator-key.guard';

export class OperatorSessionDto {
  @ApiProperty({ enum: ['operator'], example: 'operator' })
  role!: 'operator';
}

/** Lets the console tell a wrong key at sign-in, before any view needs it. */
@ApiTags('console')
@Controller('operator/session')
export class OperatorSessionController {
  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Whether the bearer key is the operator key (operator console sign-in)',
  })
  @ApiOkResponse({ type: OperatorSessionDto })
  @WithoutDatabaseErrors()
  get(): OperatorSessionDto {
    return { role: 'operator' };
  }
}
