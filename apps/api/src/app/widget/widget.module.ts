import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { WidgetController } from './widget.controller';

@Module({
  controllers: [WidgetController],
  imports: [CommunitiesModule],
})
export class WidgetModule {}
