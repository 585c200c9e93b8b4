import { Global, Module } from '@nestjs/common';

import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';

/** The operator's metrics: global, so that every feature can register the figures it owns. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
