import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Environment } from '@bridgenotes/config';

import { ApiError } from '../common/api-error';
import { ApiErrors } from '../common/api-errors.decorator';
import { WithoutDatabaseErrors } from '../common/common-errors';
import { checkOperatorKey } from '../common/operator-key.guard';
import { GroupGrowth, GroupGrowthService } from './group-growth.service';
import { ReadinessReport, ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly growth: GroupGrowthService,
    private readonly env: Environment,
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process is up and serving requests' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @WithoutDatabaseErrors()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Readiness: PostgreSQL and the queue (Redis, or PostgreSQL) are reachable',
    description:
      'Public. `warnings` (communities whose group grows abnormally fast) only with the operator key (`Authorization: Bearer <key>`): like /metrics, they tell an attacker what works. Any other key is ignored, not refused.',
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
  async ready(@Headers('authorization') authorization?: string): Promise<{
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
    // Warnings never make the instance unready: taking it out of rotation would not help. Checked
    // on every probe, so the log reports them, but shown to the operator only.
    const groupGrowth = await this.growth.abnormal().catch(() => []);
    const operator = checkOperatorKey(this.env, authorization) === 'ok';
    return operator && groupGrowth.length > 0
      ? { status: 'ready', checks, warnings: { groupGrowth } }
      : { status: 'ready', checks };
  }
}
