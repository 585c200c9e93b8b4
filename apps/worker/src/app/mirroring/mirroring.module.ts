import { Module } from '@nestjs/common';
import { MirrorPuller } from '@bridgenotes/mirroring';

import { PullMirrorHandler } from './pull-mirror.handler';
import { PullMirrorsHandler } from './pull-mirrors.handler';

@Module({
  providers: [MirrorPuller, PullMirrorHandler, PullMirrorsHandler],
})
export class MirroringModule {}
