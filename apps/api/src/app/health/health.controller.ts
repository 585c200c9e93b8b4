import { Controller, Get, HttpStatus } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';

import { ApiError, ApiErrorBody } from '../common/api-error';
import { ReadinessReport, ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process is up and serving requests' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and the queue (Redis, or PostgreSQL) are reachable',
  })
  @ApiOkResponse({
    schema: {
      example: { status: 'ready', checks: { database: { status: 'up' }, queue: { status: 'up' } } },
    },
  })
  @ApiServiceUnavailableResponse({
    type: ApiErrorBody,
    description: 'Names each failing dependency',
  })
  async ready(): Promise<{ status: 'ready'; checks: ReadinessReport }> {
    const checks = await this.readiness.check();
    const down = Object.entries(checks)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    if (down.length > 0) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'NOT_READY',
        `Not ready: ${down.join(' and ')} unreachable`,
        checks,
      );
    }
    return { status: 'ready', checks };
  }
}
