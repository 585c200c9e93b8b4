import type { Logger } from '@nestjs/common';

const REPEAT_AFTER_MS = 30_000;

/**
 * A BullMQ queue or worker emits 'error' while its backend is away; an EventEmitter with no listener
 * for it throws, which would bring the whole process down. Log it instead, at most every 30 s.
 */
export function logQueueErrors(
  emitter: { on(event: 'error', listener: (error: Error) => void): unknown },
  label: string,
  logger: Pick<Logger, 'warn'>,
): void {
  let lastLogged = 0;
  emitter.on('error', (error: Error) => {
    if (Date.now() - lastLogged < REPEAT_AFTER_MS) return;
    lastLogged = Date.now();
    logger.warn(`${label}: ${error.message}`);
  });
}
