import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiError } from '../common/api-error';
import { ApiErrors } from '../common/api-errors.decorator';
import { WithoutDatabaseErrors } from '../common/common-errors';
import { GroupGrowth, GroupGrowthService } from './group-growth.service';
import { ReadinessReport, ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly growth: GroupGrowthService,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process is up and serving requests' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @WithoutDatabaseErrors()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and the queue (Redis, or PostgreSQL) are reachable',
  })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'ready',
        checks: { database: { status: 'up' }, queue: { status: 'up' } },
        warnings: { groupGrowth: [{ community: 'news', joinedLastHour: 812 }] },
      },
    },
  })
  @ApiErrors('NOT_READY')
  @WithoutDatabaseErrors()
  async ready(): Promise<{
    status: 'ready';
    checks: ReadinessReport;
    warnings?: { groupGrowth: GroupGrowth[] };
  }> {
    const checks = await this.readiness.check();
    const down = Object.entries(checks)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    if (down.length > 0) {
      throw ApiError.of('NOT_READY', down.join(' and ')).withDetails(checks);
    }
    // Warnings never make the instance unready: taking it out of rotation would not help.
    const groupGrowth = await this.growth.abnormal().catch(() => []);
    return groupGrowth.length > 0
      ? { status: 'ready', checks, warnings: { groupGrowth } }
      : { status: 'ready', checks };
  }
}
