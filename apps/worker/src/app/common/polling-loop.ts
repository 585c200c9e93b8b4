import type { Logger } from '@nestjs/common';

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
        .catch((error: Error) => this.logger.warn(`${this.label}: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
