import { Module } from '@nestjs/common';

import { CommunitiesModule } from '../communities/communities.module';
import { CredentialAdmissionService } from './credential-admission.service';
import { CredentialIssuersController } from './credential-issuers.controller';
import { CredentialIssuersService } from './credential-issuers.service';
import { TicketVerifierService } from './ticket-verifier.service';

/** CREDENTIAL admission: trusted issuers, and the ticket check the membership join calls. */
@Module({
  controllers: [CredentialIssuersController],
  exports: [CredentialAdmissionService],
  imports: [CommunitiesModule],
  providers: [CredentialAdmissionService, CredentialIssuersService, TicketVerifierService],
})
export class CredentialsModule {}
