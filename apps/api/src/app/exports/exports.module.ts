import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [CommunitiesModule],
  controllers: [ExportsController],
  providers: [ExportsService],
})
export class ExportsModule {}
