import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ApiError } from '../common/api-error';
import { sendStatic, StaticFile, withCopies } from '../widget/widget-assets';
import { CONSOLE_CONTENT_SECURITY_POLICY, CONSOLE_HTML } from './console-page';

const TYPES: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * Where the console's bundle is: the API's build writes it to `console/` beside its own bundle
 * (libs/console/build.js). Running from source there is none, and its files answer 404.
 */
function consoleBundleFolder(): string | null {
  const folder = join(__dirname, 'console');
  return existsSync(join(folder, 'console.js')) ? folder : null;
}

/** `GET /console`: the operator and moderators' page, and its two files. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly folder = consoleBundleFolder();
  private readonly files = new Map<string, StaticFile>();

  @Get()
  page(@Res() response: Response): void {
    response
      .set({
        'Content-Security-Policy': CONSOLE_CONTENT_SECURITY_POLICY,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Referrer-Policy': 'no-referrer',
      })
      .send(CONSOLE_HTML);
  }

  @Get(':file')
  file(
    @Param('file') name: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const type = Object.hasOwn(TYPES, name) ? TYPES[name] : undefined;
    if (!type || !this.folder) throw ApiError.of('NOT_FOUND', `No console file ${name}`);
    let file = this.files.get(name);
    if (!file) {
      file = withCopies(join(this.folder, name));
      this.files.set(name, file);
    }
    return sendStatic(request, response, file, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
    });
  }
}
