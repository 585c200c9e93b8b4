import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { QueueName } from '@bridgenotes/queue';
import type { NextFunction, Request, Response } from 'express';

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
    if (verdict === 'disabled') {
      response.status(403).json({
        statusCode: 403,
        error: 'Forbidden',
        message: 'The queue dashboard is disabled: OPERATOR_API_KEY_SHA256 is not configured',
        code: 'OPERATOR_DISABLED',
      });
      return;
    }
    response
      .status(401)
      .setHeader('WWW-Authenticate', 'Basic realm="Bridgenotes operator", charset="UTF-8"')
      .json({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'The operator key is required (Bearer, or Basic with the key as password)',
        code: 'OPERATOR_KEY_INVALID',
      });
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
