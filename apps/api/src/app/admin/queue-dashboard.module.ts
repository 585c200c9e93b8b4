import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { QueueName } from '@bridgenotes/queue';
import type { NextFunction, Request, Response } from 'express';

import { ApiError } from '../common/api-error';
import { checkOperatorKey } from '../common/operator-key.guard';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/**
 * A browser cannot send a bearer token when opening a page, so the dashboard also accepts the
 * operator key as the password of HTTP Basic auth (any user name) and asks for it when missing.
 */
function operatorOnly(env: Environment) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const verdict = checkOperatorKey(env, request.headers.authorization);
    if (verdict === 'ok') return next();
    // Thrown, not written: the global exception filter gives these the common error shape.
    if (verdict === 'disabled') {
      throw new ApiError(
        'OPERATOR_DISABLED',
        'The queue dashboard is disabled: OPERATOR_API_KEY_SHA256 is not configured',
      );
    }
    response.setHeader('WWW-Authenticate', 'Basic realm="Bridgenotes operator", charset="UTF-8"');
    throw new ApiError(
      'OPERATOR_KEY_INVALID',
      'The operator key is required (Bearer, or Basic with the key as password)',
    );
  };
}

/** Bull Board over every queue, for operators: jobs, progress, failures, retries. */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      inject: [Environment],
      useFactory: (env: Environment) => ({
        route: QUEUE_DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: operatorOnly(env),
        boardOptions: { uiConfig: { boardTitle: 'Bridgenotes' } },
      }),
    }),
    BullBoardModule.forFeature(
      ...Object.values(QueueName).map((name) => ({ name, adapter: BullMQAdapter })),
    ),
  ],
})
export class QueueDashboardModule {}
