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
      "After every scoring run that changes statuses, a POST with `{ type: \"note-status.changed\", community, runId, sequence, page, pages, at, changes: [{ noteId, previous, next }] }`, signed: `X-Bridgenotes-Signature: sha256=HMAC-SHA256(secret, \"<X-Bridgenotes-Timestamp>.<body>\")`. `sequence` is the run's publication number in the community: it grows with every run that publishes (with gaps: runs without changes send nothing), so a receiver orders events by (`sequence`, `page`) and ignores one at or below the pair it applied last (deliveries recorded before runs were numbered carry `sequence` 0: apply each in arrival order) (`at` is the run's end by one worker's clock, not an order). A run of more than `WEBHOOK_PAGE_CHANGES` changes (500 by default) is sent as `pages` requests, page 1 first. Until a 2xx answer, up to 12 attempts with exponential backoff from 30 s (about 17 hours from the first to the last); a delivery that fails them all is not sent again. A community's deliveries are sent one at a time, in order: the next waits until the one before it is made or given up. A PUT with another URL drops the deliveries not yet made (the new receiver never gets the old one's); one with only a new secret keeps them, signed with it.",
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
  @ApiOperation({
    summary: 'Recent webhook deliveries and their outcome (operator)',
    description:
      "Newest first by the events' order: `sequence` descending, then `page` descending (a run of several pages is listed last page to first, together), `limit` at a time; `nextCursor` continues in that order.",
  })
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
