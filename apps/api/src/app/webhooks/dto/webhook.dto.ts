import { ApiProperty } from '@nestjs/swagger';
import { WebhookDelivery } from '@bridgenotes/database';
import { IsString, Matches, ValidateBy } from 'class-validator';

import { CharLength } from '../../common/char-length';
import { IsHttpUrl } from '../../common/http-url';

/** The sentence a webhook URL to a refused address is answered with (400 VALIDATION_FAILED). */
export const PRIVATE_WEBHOOK_MESSAGE =
  'url must not be a loopback, private or link-local address (WEBHOOK_ALLOW_PRIVATE_RECEIVERS allows them)';

/**
 * A URL without a user name or password, read as fetch reads it (WHATWG): fetch refuses such a
 * URL, with the whole URL, password included, in its error.
 */
function WithoutCredentials(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'withoutCredentials',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !URL.canParse(value)) return true; // IsHttpUrl's to refuse
          const { username, password } = new URL(value);
          return username === '' && password === '';
        },
      },
    },
    { message: 'url must not contain a user name or password' },
  );
}

export class PutWebhookDto {
  @ApiProperty({
    example: 'https://newsroom.example/hooks/bridgenotes',
    maxLength: 2048,
    description:
      'Where status changes are POSTed (http or https), without a user name or password. Unless the instance sets WEBHOOK_ALLOW_PRIVATE_RECEIVERS, a loopback, private (RFC 1918), link-local or unique-local address is refused here, and a name that resolves to one is refused by the worker when it connects.',
  })
  @IsHttpUrl('url must be an http(s) URL')
  @WithoutCredentials()
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

  @ApiProperty({
    example: 42,
    description:
      "The event's `sequence`: the run's publication number in the community (0 for a run published before runs were numbered)",
  })
  sequence!: number;

  @ApiProperty({ example: 1, description: "The event's `page` among the run's changes" })
  page!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  deliveredAt!: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'When the last attempt failed and no retry followed (12 attempts, or a URL the worker will not send to)',
  })
  gaveUpAt!: string | null;

  @ApiProperty({ example: 1 })
  attempts!: number;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'the webhook could not be reached (ECONNREFUSED)',
    description:
      'Why the last attempt failed, as a fixed sentence (never the URL or an address): the HTTP status answered, no answer within 10 s, the network error code (ECONNREFUSED, ENOTFOUND, …), or why the worker will not send to the URL at all',
  })
  lastError!: string | null;

  static from(delivery: WebhookDelivery): WebhookDeliveryDto {
    return {
      id: delivery.id,
      runId: delivery.runId,
      sequence: delivery.sequence,
      page: delivery.page,
      createdAt: delivery.createdAt.toISOString(),
      deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
      gaveUpAt: delivery.gaveUpAt?.toISOString() ?? null,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
    };
  }
}

export class WebhookDeliveryPageDto {
  @ApiProperty({
    type: [WebhookDeliveryDto],
    description:
      "Newest first, in the order of the events: by `sequence`, then `page`, both descending (a run's pages last to first), the reverse of the order they are sent in",
  })
  items!: WebhookDeliveryDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Pass as `cursor` for the next page (opaque; one this API did not give answers 400 `CURSOR_INVALID`)',
  })
  nextCursor!: string | null;
}
