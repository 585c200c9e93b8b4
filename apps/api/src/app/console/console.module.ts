import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { ModerationModule } from '../moderation/moderation.module';
import { CommunityOverviewController } from './community-overview.controller';
import { CommunityOverviewService } from './community-overview.service';
import { ConsoleController } from './console.controller';
import { OperatorSessionController } from './operator-session.controller';

@Module({
  controllers: [CommunityOverviewController, ConsoleController, OperatorSessionController],
  imports: [CommunitiesModule, ModerationModule],
  providers: [CommunityOverviewService],
})
export class ConsoleModule {}
