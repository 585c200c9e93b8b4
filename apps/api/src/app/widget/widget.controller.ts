import { Controller, Get, HttpStatus, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { join } from 'node:path';

import { ApiError } from '../common/api-error';
import { CommunitiesService } from '../communities/communities.service';
import { EMBED_ORIGIN_PATTERN } from '../communities/dto/community-input.dto';
import { DemoQuery, FrameQuery } from './dto/widget-query.dto';
import {
  ARTIFACTS_VERSION,
  checkedArtifacts,
  circuitFiles,
  sendStatic,
  StaticFile,
  widgetBundleFolder,
  withCopies,
} from './widget-assets';
import {
  demoHtml,
  FRAME_HTML,
  frameContentSecurityPolicy,
  PROVER_CONTENT_SECURITY_POLICY,
} from './widget-pages';

/** The seeded demo post (prisma/seed.ts). */
const DEMO_POST = 'https://example.com/news/2026/11/city-bridge-closed';
const YEAR_SECONDS = 365 * 24 * 3600;
/** Bundles keep their names across releases: browsers revalidate them after five minutes. */
const BUNDLE_CACHE = 'public, max-age=300';

const BUNDLES: Record<string, { type: string; policy?: string; crossOrigin?: boolean }> = {
  'frame.js': { type: 'text/javascript; charset=utf-8' },
  'frame.css': { type: 'text/css; charset=utf-8' },
  'prover.js': { type: 'text/javascript; charset=utf-8', policy: PROVER_CONTENT_SECURITY_POLICY },
  'prover.js.LEGAL.txt': { type: 'text/plain; charset=utf-8' },
};

@ApiExcludeController()
@Controller()
export class WidgetController {
  private readonly artifacts = circuitFiles(checkedArtifacts());
  private readonly bundles = widgetBundleFolder();
  private readonly bundleFiles = new Map<string, StaticFile>();

  constructor(private readonly communities: CommunitiesService) {}

  /** The loader host pages include: the only file another origin loads from this service. */
  @Get('embed.js')
  embed(@Req() request: Request, @Res() response: Response): Promise<void> {
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    return this.sendBundle(request, response, 'embed.js', 'text/javascript; charset=utf-8');
  }

  @Get('widget/frame')
  async frame(@Query() query: FrameQuery, @Res() response: Response): Promise<void> {
    const community = await this.communities.findBySlug(query.community);
    const origins = community.embedOrigins.filter((origin) => EMBED_ORIGIN_PATTERN.test(origin));
    // frame-ancestors decides who may frame this page; X-Frame-Options could only say "nobody
    // else", and browsers that know both follow frame-ancestors.
    response.removeHeader('X-Frame-Options');
    response
      .status(HttpStatus.OK)
      .set({
        'Content-Security-Policy': frameContentSecurityPolicy(origins),
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Referrer-Policy': 'no-referrer',
      })
      .send(FRAME_HTML);
  }

  @Get('widget/:file')
  bundle(
    @Param('file') file: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const bundle = Object.hasOwn(BUNDLES, file) ? BUNDLES[file] : undefined;
    if (!bundle) throw ApiError.of('NOT_FOUND', `No widget file ${file}`);
    if (bundle.policy) response.setHeader('Content-Security-Policy', bundle.policy);
    return this.sendBundle(request, response, file, bundle.type);
  }

  @Get(`widget/artifacts/${ARTIFACTS_VERSION}/:file`)
  artifact(
    @Param('file') file: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const kind =
      file === 'semaphore-20.wasm' ? 'wasm' : file === 'semaphore-20.zkey' ? 'zkey' : null;
    if (!kind) throw ApiError.of('NOT_FOUND', `No circuit file ${file}`);
    return sendStatic(request, response, this.artifacts[kind], {
      'Content-Type': kind === 'wasm' ? 'application/wasm' : 'application/octet-stream',
      // Versioned URL: the file never changes under it.
      'Cache-Control': `public, max-age=${YEAR_SECONDS}, immutable`,
    });
  }

  @Get('demo')
  demo(@Query() query: DemoQuery, @Res() response: Response): void {
    response
      .type('html')
      .set('Cache-Control', 'no-cache')
      .send(
        demoHtml({
          community: query.community ?? 'demo',
          postUrl: query.post ?? DEMO_POST,
          theme: query.theme ?? 'auto',
          locale: query.locale,
        }),
      );
  }

  private sendBundle(
    request: Request,
    response: Response,
    file: string,
    type: string,
  ): Promise<void> {
    const bundles = this.bundles;
    if (!bundles) {
      throw ApiError.of('WIDGET_NOT_BUILT');
    }
    let bundle = this.bundleFiles.get(file);
    if (!bundle) {
      bundle = withCopies(join(bundles, file));
      this.bundleFiles.set(file, bundle);
    }
    return sendStatic(request, response, bundle, {
      'Content-Type': type,
      'Cache-Control': BUNDLE_CACHE,
    });
  }
}
