import type { Logger } from '@nestjs/common';
import { errorCode } from '@bridgenotes/database';

/**
 * Runs one pass of an outbox drain every `intervalMs`, never two passes at once, and lets
 * shutdown wait for the pass in flight. A failed pass (Redis or PostgreSQL away) is logged and
 * simply tried again on the next tick: the outbox keeps what was not handed on.
 */
export class PollingLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly label: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.pass()
        // Its codes, never its message: a database's may print a query's arguments.
        .catch((error: Error) => this.logger.warn(`${this.label}: ${errorCode(error)}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
