import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Community } from '@bridgenotes/database';
import type { ExportManifest } from '@bridgenotes/open-data';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { ApiErrors } from '../common/api-errors.decorator';
import { RouteCommunity } from '../communities/route-community.decorator';
import { CommunityNotesTsvWriter } from './community-notes-tsv.writer';
import { ExportQuery, ExportStreamParams, ExportTsvParams } from './dto/export-query.dto';
import { ExportsService } from './exports.service';

/** The headers a stream sets before its first line, which an error answer must not keep. */
const STREAM_HEADERS = ['Content-Type', 'Content-Disposition'];

/**
 * Sends lines as they come, as fast as the client reads them. `pipeline` waits on the client with
 * one 'drain' listener for the whole answer: the compression middleware puts 'drain' listeners on
 * its gzip stream and never takes them off, so a `once` per wait left one more each time. It also
 * closes the lines when the client hangs up, which a wait for 'drain' never learnt of.
 */
async function pipeLines(response: Response, lines: AsyncIterable<string>): Promise<void> {
  const iterator = lines[Symbol.asyncIterator]();
  try {
    let first: IteratorResult<string>;
    try {
      first = await iterator.next();
    } catch (error) {
      // Nothing sent yet: the exception filter answers (a 4xx, or a 503 with Retry-After).
      for (const header of STREAM_HEADERS) response.removeHeader(header);
      throw error;
    }
    // Past the first line, a failure, the lines' or the client's, destroys the response: the
    // client sees the stream incomplete and resumes with `after`.
    await pipeline(Readable.from(resumed(first, iterator)), response).catch(() => undefined);
  } finally {
    // Also when the pipeline stopped before `resumed` began, which then never closes them.
    await iterator.return?.();
  }
}

/** The lines from `next` on, read from `rest`, which the caller closes. */
async function* resumed(
  next: IteratorResult<string>,
  rest: AsyncIterator<string>,
): AsyncGenerator<string> {
  for (; !next.done; next = await rest.next()) yield next.value;
}

async function* ndjson<T>(records: AsyncIterable<T>): AsyncGenerator<string> {
  for await (const record of records) yield `${JSON.stringify(record)}\n`;
}

@ApiTags('open data')
@Controller('communities/:slug/export')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly tsvWriter: CommunityNotesTsvWriter,
  ) {}

  @Get()
  @ApiOperation({
    summary: "The community's export manifest: identity, acceptance rules, streams",
    description: 'See docs/verifiability.md; `npm run bridgenotes -- verify` checks an export.',
  })
  @ApiOkResponse({ description: 'The manifest (format bridgenotes-export/1)' })
  async manifest(@RouteCommunity() community: Community): Promise<ExportManifest> {
    return this.exports.manifest(community);
  }

  @Get('tsv/:file')
  @ApiOperation({
    summary: "The community as Community Notes' public TSV files",
    description:
      "notes, ratings, note-status-history and user-enrollment, with the columns of X's files (what the reference scorer reads); pseudonyms are the participant ids. note-status-history is the scorer's state as the latest run left it, comparable column for column with the reference's note_status_history output.",
  })
  @ApiProduces('text/tab-separated-values')
  @ApiOkResponse({ description: 'The whole file, header first' })
  async tsv(
    @Param() { slug, file }: ExportTsvParams,
    @RouteCommunity() community: Community,
    @Res() response: Response,
  ): Promise<void> {
    response.set({
      'Content-Type': 'text/tab-separated-values; charset=utf-8',
      'Content-Disposition': `attachment; filename="${slug}-${file}.tsv"`,
      'Cache-Control': 'no-store',
    });
    await pipeLines(response, this.tsvWriter.lines(community, file));
  }

  @Get(':stream')
  @ApiOperation({
    summary: 'One stream of the export as NDJSON, resumable',
    description:
      "At most `limit` records after the one whose `cursor` is `after`; fewer than `limit` means the stream ended. With `order=changes` (notes, ratings, requests), records come in the order of the change batches that last changed them (a request: the one that stored it), below `before` (the manifest's `changeHorizon`): a follower that keeps the last cursor sees every new record, replaced rating and deletion once.",
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'One JSON record per line' })
  @ApiErrors('CURSOR_INVALID', 'ORDER_INVALID')
  async stream(
    @Param() { stream }: ExportStreamParams,
    @Query() { after, limit, order, before }: ExportQuery,
    @RouteCommunity() community: Community,
    @Res() response: Response,
  ): Promise<void> {
    const readOrder = this.exports.order(stream, order, before);
    const position = this.exports.position(stream, after, readOrder);
    response.set({
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    await pipeLines(
      response,
      ndjson(this.exports.records(community, stream, position, limit, readOrder)),
    );
  }
}
