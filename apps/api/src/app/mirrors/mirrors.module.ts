import { Module } from '@nestjs/common';

import { MirrorsController } from './mirrors.controller';
import { MirrorsService } from './mirrors.service';

@Module({
  controllers: [MirrorsController],
  providers: [MirrorsService],
})
export class MirrorsModule {}
