import { ApiProperty } from '@nestjs/swagger';
import { WebhookDelivery } from '@bridgenotes/database';
import { IsString, IsUrl, Matches } from 'class-validator';

import { CharLength } from '../../common/char-length';

export class PutWebhookDto {
  @ApiProperty({
    example: 'https://newsroom.example/hooks/bridgenotes',
    maxLength: 2048,
    description: 'Where status changes are POSTed (http or https)',
  })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @CharLength(0, 2048, { message: 'url must be at most 2048 characters' })
  url!: string;

  @ApiProperty({
    minLength: 24,
    maxLength: 128,
    description:
      'Shared secret for the HMAC-SHA256 signature of every request (X-Bridgenotes-Signature); never shown again',
  })
  @IsString({ message: 'secret must be text' })
  @CharLength(24, 128, { message: 'secret must be 24 to 128 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret!: string;
}

export class WebhookDto {
  @ApiProperty({ example: 'https://newsroom.example/hooks/bridgenotes' })
  url!: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Also sent as X-Bridgenotes-Delivery' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  runId!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  deliveredAt!: string | null;

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiProperty({ nullable: true, type: String, example: 'the webhook answered HTTP 503' })
  lastError!: string | null;

  static from(delivery: WebhookDelivery): WebhookDeliveryDto {
    return {
      id: delivery.id,
      runId: delivery.runId,
      createdAt: delivery.createdAt.toISOString(),
      deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
    };
  }
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto], description: 'Newest first' })
  items!: WebhookDeliveryDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
