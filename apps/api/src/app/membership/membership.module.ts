import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { ActionProofsService } from './action-proofs.service';
import { GroupService } from './group.service';
import { JoinWorkService } from './join-work.service';
import { MemberInvitesController } from './member-invites.controller';
import { MemberInvitesService } from './member-invites.service';
import { MembershipController } from './membership.controller';
import { MembersService } from './members.service';

@Module({
  controllers: [MemberInvitesController, MembershipController],
  exports: [ActionProofsService],
  imports: [CommunitiesModule, CredentialsModule],
  providers: [
    ActionProofsService,
    GroupService,
    JoinWorkService,
    MemberInvitesService,
    MembersService,
  ],
})
export class MembershipModule {}
