import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { ApiErrorBody } from '../common/api-error';
import { OperatorOnly } from '../common/operator-key.guard';
import { PageQuery } from '../common/page-query.dto';
import { CommunitySlugParams } from '../common/slug';
import {
  PutWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('communities/:slug/webhook')
@OperatorOnly()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Put()
  @ApiOperation({
    summary: "Set the community's status-change webhook (operator)",
    description:
      'After every scoring run that changes statuses, one POST with `{ type: "note-status.changed", community, runId, at, changes: [{ noteId, previous, next }] }`, signed: `X-Bridgenotes-Signature: sha256=HMAC-SHA256(secret, "<X-Bridgenotes-Timestamp>.<body>")`. Retried with exponential backoff until a 2xx answer.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  put(@Param() { slug }: CommunitySlugParams, @Body() input: PutWebhookDto): Promise<WebhookDto> {
    return this.webhooks.put(slug, input);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove the community's webhook (operator)" })
  @ApiNoContentResponse({ description: 'Removed; pending deliveries are dropped' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  remove(@Param() { slug }: CommunitySlugParams): Promise<void> {
    return this.webhooks.remove(slug);
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'Recent webhook deliveries and their outcome (operator)' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'VALIDATION_FAILED, CURSOR_INVALID' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'COMMUNITY_NOT_FOUND' })
  async deliveries(
    @Param() { slug }: CommunitySlugParams,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<WebhookDeliveryPageDto> {
    const page = await this.webhooks.deliveries(slug, limit, cursor);
    return { items: page.items.map(WebhookDeliveryDto.from), nextCursor: page.nextCursor };
  }
}
