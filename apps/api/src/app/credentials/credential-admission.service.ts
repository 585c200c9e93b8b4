import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  Community,
  Member,
  Prisma,
  PrismaService,
  pruneTicketUses,
  recordTicketUse,
  TICKET_CLOCK_TOLERANCE_SECONDS,
} from '@bridgenotes/database';
import { createHmac } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { TicketVerifierService, VerifiedTicket } from './ticket-verifier.service';

type Tx = Prisma.TransactionClient;

/** A checked ticket, reduced to the two keyed hashes the join stores: nothing else is kept. */
export interface CredentialHashes {
  /** Stands for the account in this community: HMAC(key, community, issuer, subject). */
  accountHash: string;
  /** Stands for the ticket: HMAC(key, issuer, jti), kept until no check would accept it. */
  ticketHash: string;
  /** The ticket's `exp`. */
  expiresAt: Date;
}

const DAY_MS = 86_400_000;

/** A UTC day (days since 1970-01-01) as a date at its midnight, the form a DATE column takes. */
const dateOf = (day: number) => new Date(day * DAY_MS);

/** How the join treats an account that already holds a membership. */
export interface AccountAdmission {
  /** The account's current member, to be removed because its identity was lost; null otherwise. */
  replaces: Member | null;
  attach(tx: Tx, memberId: string): Promise<void>;
}

/**
 * CREDENTIAL admission: one account of a trusted issuer holds one membership of a community. The
 * subject and the ticket never leave this service: they are reduced to keyed hashes (the key is
 * the operator's CREDENTIAL_HASH_KEY, so the hashes cannot be recomputed from a guess of the
 * subject without it), and the community's id in the account hash keeps one account's
 * memberships of different communities unlinkable in the database.
 */
@Injectable()
export class CredentialAdmissionService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tickets: TicketVerifierService,
    private readonly env: Environment,
    private readonly clock: Clock,
  ) {}

  /** Checks the ticket before any lock is taken (it may fetch the issuer's keys). */
  async check(community: Community, ticket: string | undefined): Promise<CredentialHashes> {
    if (!ticket) {
      throw ApiError.of('TICKET_REQUIRED');
    }
    const key = this.env.CREDENTIAL_HASH_KEY;
    if (!key) {
      throw ApiError.of('CREDENTIALS_UNCONFIGURED');
    }
    const issuers = await this.prisma.credentialIssuer.findMany({
      where: { communityId: community.id },
    });
    const verified = await this.tickets.verify(ticket, community.id, issuers);
    return hashesOf(key, community.id, verified);
  }

  /**
   * Inside the join's transaction, under the tree lock: records the ticket as used and finds the
   * account's membership. A failed join rolls both back, so it consumes nothing.
   */
  async admit(
    tx: Tx,
    community: Community,
    hashes: CredentialHashes,
    replaceLostIdentity: boolean,
  ): Promise<AccountAdmission> {
    // A ticket is accepted until its exp plus the clock tolerance: only later can its use go (by
    // the database's clock, with a slack for this machine's: `pruneTicketUses`). The ticket was
    // verified before the join waited for the tree lock, so it is checked again here: a replay
    // whose wait outlasted that bound could otherwise find the first use's row deleted.
    const oldest = new Date(Date.now() - TICKET_CLOCK_TOLERANCE_SECONDS * 1000);
    if (hashes.expiresAt < oldest) {
      throw ApiError.of('TICKET_EXPIRED');
    }
    await pruneTicketUses(tx);
    if (!(await recordTicketUse(tx, hashes.ticketHash, hashes.expiresAt))) {
      throw ApiError.of('TICKET_REPLAYED');
    }
    const where = {
      communityId_accountHash: { communityId: community.id, accountHash: hashes.accountHash },
    };
    const account = await tx.credentialAccount.findUnique({ where, include: { member: true } });
    if (!account) {
      return {
        replaces: null,
        attach: async (client, memberId) => {
          await client.credentialAccount.create({
            data: { communityId: community.id, accountHash: hashes.accountHash, memberId },
          });
        },
      };
    }
    if (account.member.removedAt) {
      throw ApiError.of('ACCOUNT_REMOVED');
    }
    const days = this.env.CREDENTIAL_REPLACEMENT_DAYS;
    if (!replaceLostIdentity) {
      throw ApiError.of('ACCOUNT_ALREADY_MEMBER', days);
    }
    // Each replacement is a new pseudonym while the old one's ratings keep counting (and a way
    // out of a block or a writing lock): at most one per period. Days only, as stored.
    const today = Math.floor(this.clock.now() / DAY_MS);
    if (account.replacedOn) {
      const next = Math.round(account.replacedOn.getTime() / DAY_MS) + days;
      if (today < next) {
        const from = dateOf(next).toISOString().slice(0, 10);
        throw ApiError.of('IDENTITY_REPLACED_RECENTLY', days, from).withDetails({
          replaceableFrom: from,
        });
      }
    }
    return {
      replaces: account.member,
      attach: async (client, memberId) => {
        await client.credentialAccount.update({
          where,
          data: { memberId, replacedOn: dateOf(today) },
        });
      },
    };
  }
}

function hashesOf(key: string, communityId: string, ticket: VerifiedTicket): CredentialHashes {
  const mac = (...parts: string[]) =>
    createHmac('sha256', Buffer.from(key, 'hex'))
      // JSON keeps the parts apart: no two different tuples give the same text.
      .update(JSON.stringify(parts))
      .digest('hex');
  return {
    accountHash: mac('account', communityId, ticket.issuer, ticket.subject),
    ticketHash: mac('ticket', ticket.issuer, ticket.ticketId),
    expiresAt: ticket.expiresAt,
  };
}
