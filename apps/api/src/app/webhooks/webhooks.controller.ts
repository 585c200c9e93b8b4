import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';

import { ApiErrors } from '../common/api-errors.decorator';
import { OperatorOnly } from '../common/operator-key.guard';
import { PageQuery } from '../common/page-query.dto';
import { RouteCommunity } from '../communities/route-community.decorator';
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
      'After every scoring run that changes statuses, one POST with `{ type: "note-status.changed", community, runId, at, changes: [{ noteId, previous, next }] }`, signed: `X-Bridgenotes-Signature: sha256=HMAC-SHA256(secret, "<X-Bridgenotes-Timestamp>.<body>")`. Until a 2xx answer, up to 12 attempts with exponential backoff from 30 s (about 17 hours from the first to the last); a delivery that fails them all is not sent again.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors('VALIDATION_FAILED')
  put(@RouteCommunity() community: Community, @Body() input: PutWebhookDto): Promise<WebhookDto> {
    return this.webhooks.put(community, input);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Remove the community's webhook (operator)" })
  @ApiNoContentResponse({
    description:
      'Removed; deliveries not yet made are dropped (deleted, so a receiver set afterwards does not get them), with that of a scoring run publishing at that very moment, which the removal waits for; delivered ones stay listed',
  })
  remove(@RouteCommunity() community: Community): Promise<void> {
    return this.webhooks.remove(community);
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'Recent webhook deliveries and their outcome (operator)' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiErrors('CURSOR_INVALID')
  async deliveries(
    @RouteCommunity() community: Community,
    @Query() { limit, cursor }: PageQuery,
  ): Promise<WebhookDeliveryPageDto> {
    const page = await this.webhooks.deliveries(community, limit, cursor);
    return { items: page.items.map(WebhookDeliveryDto.from), nextCursor: page.nextCursor };
  }
}
