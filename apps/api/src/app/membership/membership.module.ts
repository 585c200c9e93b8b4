import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { ActionProofsService } from './action-proofs.service';
import { GroupService } from './group.service';
import { MembershipController } from './membership.controller';
import { MembersService } from './members.service';

@Module({
  controllers: [MembershipController],
  exports: [ActionProofsService],
  imports: [CommunitiesModule],
  providers: [ActionProofsService, GroupService, MembersService],
})
export class MembershipModule {}
