import { Module } from '@nestjs/common';
import { MirrorPuller } from '@bridgenotes/mirroring';

import { MirrorPullProcessor } from './mirror-pull.processor';

@Module({
  providers: [MirrorPullProcessor, MirrorPuller],
})
export class MirroringModule {}
