import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';

import { QueueName } from './queue-names';

const REPEAT_AFTER_MS = 30_000;

/**
 * A BullMQ queue or worker emits 'error' while Redis is away; an EventEmitter with no listener
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

@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queue');

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      logQueueErrors(queue, `queue "${name}"`, this.logger);
    }
  }
}
