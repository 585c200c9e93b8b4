import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

import { HOME_HTML } from './home-page';

/** `GET /`: a short landing page, so the first URL `npm start` prints is not a 404. */
@ApiExcludeController()
@Controller()
export class HomeController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  home(): string {
    return HOME_HTML;
  }
}
