import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';

import { WithoutDatabaseErrors } from '../common/common-errors';
import { OperatorOnly } from '../common/operator-key.guard';
import { MetricsRegistry } from './metrics-registry';

/**
 * What an operator watches under attack (docs/operations.md, "What to watch"), for Prometheus or
 * a look with curl: refusals by class, failed and withdrawn proofs, the verifier's queue, the
 * process's CPU, and communities growing abnormally. Counts since this process started; never
 * a client's key or address. Behind the operator key, as it tells an attacker what works.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @OperatorOnly()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "This process's figures, in Prometheus' text format (operator only)" })
  @ApiOkResponse({ schema: { type: 'string', example: 'bridgenotes_proofs_invalid_total 22' } })
  @WithoutDatabaseErrors()
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
