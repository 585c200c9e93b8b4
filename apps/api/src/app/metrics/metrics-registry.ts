import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * This process's Prometheus registry (GET /metrics). One per app rather than prom-client's
 * global one, so that several apps in one process (the tests) count apart. Each figure is
 * registered by the provider that owns it; none names a client.
 */
@Injectable()
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    // The process's CPU (its verifier threads included), memory and event-loop delay.
    collectDefaultMetrics({ register: this });
  }
}
