import { Module } from '@nestjs/common';

import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookOutboxDispatcher } from './webhook-outbox.dispatcher';

@Module({
  providers: [WebhookDeliveryProcessor, WebhookOutboxDispatcher],
})
export class WebhooksModule {}
