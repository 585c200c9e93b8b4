import { Module } from '@nestjs/common';

import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { WebhookOutboxDispatcher } from './webhook-outbox.dispatcher';

@Module({
  providers: [DeliverWebhookHandler, WebhookOutboxDispatcher],
})
export class WebhooksModule {}
