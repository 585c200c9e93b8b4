import type { INestApplication } from '@nestjs/common';
import { commitmentOf, createIdentity } from '@bridgenotes/client';
import {
  type PrismaClient,
  TICKET_CLOCK_TOLERANCE_SECONDS,
  TICKET_USE_CLOCK_SLACK_SECONDS,
} from '@bridgenotes/database';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

import { TestClock } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import { checkProof, communityWithMembers, prover, TestCommunity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const operator = { Authorization: `Bearer ${OPERATOR_KEY}` };
const HASH_KEY = randomBytes(32).toString('hex');
const ISSUER = 'https://news.example';
/** Real proofs take seconds each on a shared machine. */
const PROVING = 120_000;
const DAY = 86_400_000;
/** CREDENTIAL_REPLACEMENT_DAYS, the default. */
const REPLACEMENT_DAYS = 30;

interface Signer {
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signer(): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return {
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256', kid: randomUUID() },
  };
}

/** A ticket as a host site signs it; `claims` overrides any standard claim, `null` drops it. */
async function ticket(
  key: Signer,
  community: { id: string },
  subject: string,
  claims: { iss?: string; aud?: string; exp?: number; iat?: number; jti?: string | null } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.publicJwk.kid })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? community.id)
    .setSubject(subject)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 300);
  if (claims.jti !== null) jwt.setJti(claims.jti ?? randomUUID());
  return jwt.sign(key.privateKey);
}

/**
 * A ticket built by hand, correctly signed, whose header marks an extension no verifier knows as
 * critical (`crit`): it must be refused as malformed, whoever holds the issuer's keys.
 */
function ticketWithUnknownCrit(key: Signer, community: { id: string }, subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = { alg: 'ES256', kid: key.publicJwk.kid, crit: ['x-unknown'], 'x-unknown': 1 };
  const claims = { iss: ISSUER, aud: community.id, sub: subject, iat: now, exp: now + 300 };
  const input = `${part(header)}.${part({ ...claims, jti: randomUUID() })}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: key.privateKey as KeyObject,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

describe('CREDENTIAL admission', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let key: Signer;
  const clock = new TestClock();
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createTestApp({ CREDENTIAL_HASH_KEY: HASH_KEY }, clock.install);
    prisma = createTestPrisma();
    key = await signer();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  async function credentialCommunity(jwks: { keys: JWK[] } = { keys: [key.publicJwk] }) {
    const community = await communityWithMembers(app, [], 'CREDENTIAL');
    await request(server())
      .post(`/communities/${community.slug}/issuers`)
      .set(operator)
      .send({ issuer: ISSUER, jwks })
      .expect(201);
    return community;
  }

  const join = (community: TestCommunity, body: Record<string, unknown>) =>
    request(server())
      .post(`/communities/${community.slug}/members`)
      .send({ commitment: commitmentOf(createIdentity()), ...body });

  const treeSize = async (community: TestCommunity) =>
    (await prisma.community.findUniqueOrThrow({ where: { id: community.id } })).treeSize;

  describe('issuers', () => {
    it('are set by the operator with public keys only, and listed publicly', async () => {
      const community = await communityWithMembers(app, [], 'CREDENTIAL');
      const issuers = `/communities/${community.slug}/issuers`;
      const { privateKey } = await generateKeyPair('ES256');
      const secret = { ...(await exportJWK(privateKey)), alg: 'ES256' };
      const refusals: [object, string][] = [
        [{ issuer: ISSUER, jwks: { keys: [secret] } }, 'ISSUER_KEYS_INVALID'],
        [
          { issuer: ISSUER, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] } },
          'ISSUER_KEYS_INVALID',
        ],
        [
          { issuer: ISSUER, jwks: { keys: [{ ...key.publicJwk, alg: undefined }] } },
          'ISSUER_KEYS_INVALID',
        ],
        [{ issuer: ISSUER }, 'VALIDATION_FAILED'],
        [
          { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, jwksUrl: 'https://x.example/jwks' },
          'ISSUER_KEYS_INVALID',
        ],
        [{ issuer: ISSUER, jwksUrl: 'ftp://x.example/jwks' }, 'VALIDATION_FAILED'],
        // A null is not an absent field: stored, it made an issuer with no keys at all.
        [{ issuer: ISSUER, jwks: null }, 'VALIDATION_FAILED'],
        [{ issuer: ISSUER, jwksUrl: null }, 'VALIDATION_FAILED'],
        [{ issuer: ISSUER, jwksUrl: null, jwks: null }, 'VALIDATION_FAILED'],
        [{ issuer: ISSUER, jwksUrl: null, jwks: { keys: [key.publicJwk] } }, 'VALIDATION_FAILED'],
        // validator.js takes these for URLs; WHATWG's parser (fetch, `new URL`) does not.
        [{ issuer: ISSUER, jwksUrl: 'http://0x100000000/jwks.json' }, 'VALIDATION_FAILED'],
        [{ issuer: ISSUER, jwksUrl: 'https://keys.0x100/jwks.json' }, 'VALIDATION_FAILED'],
      ];
      for (const [body, code] of refusals) {
        const refused = await request(server()).post(issuers).set(operator).send(body);
        expect({ body, status: refused.status, code: refused.body.code }).toEqual({
          body,
          status: 400,
          code,
        });
      }
      expect(await prisma.credentialIssuer.count({ where: { communityId: community.id } })).toBe(0);
      await request(server())
        .post(issuers)
        .send({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } })
        .expect(401);
      const created = await request(server())
        .post(issuers)
        .set(operator)
        .send({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } })
        .expect(201);
      const again = await request(server())
        .post(issuers)
        .set(operator)
        .send({ issuer: ISSUER, jwksUrl: 'https://news.example/jwks.json' })
        .expect(409);
      expect(again.body.code).toBe('ISSUER_EXISTS');
      expect((await request(server()).get(issuers).expect(200)).body).toEqual([created.body]);
      await request(server()).delete(`${issuers}/${created.body.id}`).set(operator).expect(204);
      expect((await request(server()).get(issuers).expect(200)).body).toEqual([]);
    });
  });

  describe('joining', () => {
    it('admits a member with a valid ticket and keeps neither the subject nor the ticket', async () => {
      const community = await credentialCommunity();
      const subject = `user-${randomUUID()}`;
      const signed = await ticket(key, community, subject);
      const joined = await join(community, { ticket: signed }).expect(201);
      expect(joined.body).toMatchObject({ leafIndex: 0, size: 1 });
      const accounts = await prisma.credentialAccount.findMany({
        where: { communityId: community.id },
      });
      expect(accounts).toHaveLength(1);
      expect(accounts[0].accountHash).toMatch(/^[0-9a-f]{64}$/);
      // Nothing the instance stores about the join holds the subject, the ticket or its id.
      const stored = JSON.stringify([
        accounts,
        await prisma.credentialTicketUse.findMany(),
        await prisma.member.findMany({ where: { communityId: community.id } }),
      ]);
      const [, payload] = signed.split('.');
      const jti = JSON.parse(Buffer.from(payload, 'base64url').toString()).jti as string;
      for (const secret of [subject, signed, payload, jti]) expect(stored).not.toContain(secret);
    });

    it('refuses every bad ticket with its own code and admits nobody', async () => {
      const community = await credentialCommunity();
      const forger = await signer();
      const now = Math.floor(Date.now() / 1000);
      const cases: [string, Promise<string> | string | undefined, number, string][] = [
        ['missing', undefined, 400, 'TICKET_REQUIRED'],
        ['not a JWT', 'not-a-ticket', 400, 'TICKET_MALFORMED'],
        [
          'an unknown critical header',
          ticketWithUnknownCrit(key, community, 'a'),
          400,
          'TICKET_MALFORMED',
        ],
        [
          'unknown issuer',
          ticket(key, community, 'a', { iss: 'https://other.example' }),
          403,
          'TICKET_ISSUER_UNKNOWN',
        ],
        [
          'forged',
          ticket({ ...forger, publicJwk: key.publicJwk }, community, 'a'),
          403,
          'TICKET_FORGED',
        ],
        [
          'wrong audience',
          ticket(key, community, 'a', { aud: randomUUID() }),
          403,
          'TICKET_WRONG_AUDIENCE',
        ],
        [
          'expired',
          ticket(key, community, 'a', { iat: now - 600, exp: now - 300 }),
          410,
          'TICKET_EXPIRED',
        ],
        ['without jti', ticket(key, community, 'a', { jti: null }), 400, 'TICKET_CLAIMS_INVALID'],
        [
          'too long-lived',
          ticket(key, community, 'a', { exp: now + 7200 }),
          400,
          'TICKET_TOO_LONG_LIVED',
        ],
        [
          'issued in the future',
          ticket(key, community, 'a', { iat: now + 600, exp: now + 900 }),
          403,
          'TICKET_NOT_YET_VALID',
        ],
      ];
      for (const [name, signed, status, code] of cases) {
        const refused = await join(community, { ticket: await signed });
        expect({ name, status: refused.status, code: refused.body.code }).toEqual({
          name,
          status,
          code,
        });
        expect(refused.body.message).not.toContain('"a"');
      }
      expect(await treeSize(community)).toBe(0);
    });

    it('tries each of several keys without kid that match a ticket, and calls it forged only if none verifies', async () => {
      // An issuer rotating with two ES256 keys, neither with a kid: jose finds both matching and
      // throws JWKSMultipleMatchingKeys, which was answered TICKET_FORGED for every ticket.
      const withoutKid = async (): Promise<Signer> => {
        const { privateKey, publicJwk } = await signer();
        return { privateKey, publicJwk: { ...publicJwk, kid: undefined } };
      };
      const [old, current, forger] = await Promise.all([withoutKid(), withoutKid(), withoutKid()]);
      const community = await credentialCommunity({ keys: [old.publicJwk, current.publicJwk] });
      const user = () => `user-${randomUUID()}`;
      await join(community, { ticket: await ticket(current, community, user()) }).expect(201);
      await join(community, { ticket: await ticket(old, community, user()) }).expect(201);
      const forged = await join(community, { ticket: await ticket(forger, community, user()) });
      expect(forged.status).toBe(403);
      expect(forged.body.code).toBe('TICKET_FORGED');
      // A candidate that verifies the signature decides: its claims' refusal is the ticket's.
      const now = Math.floor(Date.now() / 1000);
      const expired = await join(community, {
        ticket: await ticket(current, community, user(), { iat: now - 600, exp: now - 300 }),
      });
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('TICKET_EXPIRED');
      expect(await treeSize(community)).toBe(2);
    });

    it('refuses a replayed ticket, but a failed join does not use its ticket up', async () => {
      const community = await credentialCommunity();
      const member = createIdentity();
      const first = await ticket(key, community, `user-${randomUUID()}`);
      await join(community, { ticket: first, commitment: commitmentOf(member) }).expect(201);
      const replayed = await join(community, { ticket: first }).expect(409);
      expect(replayed.body.code).toBe('TICKET_REPLAYED');

      // The commitment is already a member: the join fails, and the new ticket stays unused.
      const second = await ticket(key, community, `user-${randomUUID()}`);
      const failed = await join(community, { ticket: second, commitment: commitmentOf(member) });
      expect(failed.body.code).toBe('ALREADY_MEMBER');
      await join(community, { ticket: second }).expect(201);
      expect(await treeSize(community)).toBe(2);
    });

    it('tells a member joining again with its own identity ALREADY_MEMBER, replacing nothing and using no ticket', async () => {
      const community = await credentialCommunity();
      const subject = `user-${randomUUID()}`;
      const member = commitmentOf(createIdentity());
      const first = await ticket(key, community, subject);
      await join(community, { ticket: first, commitment: member }).expect(201);

      // Its answer lost, the member joins again: with the same ticket, then with a fresh one,
      // with and without replaceLostIdentity. Each time it hears that it is a member.
      const fresh = await ticket(key, community, subject);
      for (const body of [
        { ticket: first },
        { ticket: fresh },
        { ticket: fresh, replaceLostIdentity: true },
      ]) {
        const again = await join(community, { ...body, commitment: member }).expect(409);
        expect(again.body).toMatchObject({
          code: 'ALREADY_MEMBER',
          details: { commitments: [member] },
        });
      }
      const leaves = (
        await request(server()).get(`/communities/${community.slug}/group/leaves`).expect(200)
      ).body;
      expect(leaves.leaves).toEqual([member]);

      // The fresh ticket was not used: it still replaces a lost identity.
      const replacement = commitmentOf(createIdentity());
      await join(community, {
        ticket: fresh,
        commitment: replacement,
        replaceLostIdentity: true,
      }).expect(201);
      expect(await treeSize(community)).toBe(2);
    });

    it('refuses a replayed ticket for as long as its clock tolerance accepts it after exp', async () => {
      const community = await credentialCommunity();
      const now = Math.floor(Date.now() / 1000);
      // Past its exp, but within the 30 s a verifier allows for the issuer's clock.
      const late = await ticket(key, community, `user-${randomUUID()}`, {
        iat: now - 300,
        exp: now - 2,
      });
      await join(community, { ticket: late }).expect(201);
      // Replayed as a replacement, it would give the account a second pseudonym.
      const replayed = await join(community, { ticket: late, replaceLostIdentity: true });
      expect(replayed.body.code).toBe('TICKET_REPLAYED');
      expect(await treeSize(community)).toBe(1);

      // A use is forgotten only once the tolerance is over too, and the slack for a machine's
      // clock behind the database's: a use past the tolerance alone is kept.
      const hashes = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
      const kept = (TICKET_CLOCK_TOLERANCE_SECONDS + TICKET_USE_CLOCK_SLACK_SECONDS) * 1000;
      await prisma.credentialTicketUse.createMany({
        data: [
          { ticketHash: hashes[0], expiresAt: new Date(Date.now() - kept - 60_000) },
          { ticketHash: hashes[1], expiresAt: new Date(Date.now() - 31_000) },
        ],
      });
      await join(community, {
        ticket: await ticket(key, community, `user-${randomUUID()}`),
      }).expect(201);
      const left = await prisma.credentialTicketUse.findMany({
        where: { ticketHash: { in: hashes } },
      });
      expect(left.map((use) => use.ticketHash)).toEqual([hashes[1]]);
    });

    it('lets an account replace a lost identity once per CREDENTIAL_REPLACEMENT_DAYS, keeping only the day', async () => {
      const community = await credentialCommunity();
      const subject = `user-${randomUUID()}`;
      const [first, second, third] = [createIdentity(), createIdentity(), createIdentity()];
      const today = Math.floor(clock.at / DAY);
      await join(community, {
        ticket: await ticket(key, community, subject),
        commitment: commitmentOf(first),
      }).expect(201);
      await join(community, {
        ticket: await ticket(key, community, subject),
        commitment: commitmentOf(second),
        replaceLostIdentity: true,
      }).expect(201);
      // The account row gains the day of its replacement only: no time of day, no pseudonym.
      const account = await prisma.credentialAccount.findFirstOrThrow({
        where: { communityId: community.id },
        include: { member: true },
      });
      expect(account.member.commitment).toBe(commitmentOf(second));
      expect(Object.keys(account).sort()).toEqual([
        'accountHash',
        'communityId',
        'member',
        'memberId',
        'replacedOn',
      ]);
      expect(account.replacedOn).toEqual(new Date(today * DAY));

      // Again at once, then the day before the period ends: refused, and nothing used up.
      const again = await ticket(key, community, subject);
      const replaceAgain = () =>
        join(community, {
          ticket: again,
          commitment: commitmentOf(third),
          replaceLostIdentity: true,
        });
      const from = new Date((today + REPLACEMENT_DAYS) * DAY).toISOString().slice(0, 10);
      const started = clock.at;
      try {
        for (const later of [0, REPLACEMENT_DAYS - 1]) {
          clock.at = started + later * DAY;
          const refused = await replaceAgain().expect(409);
          expect(refused.body).toMatchObject({
            code: 'IDENTITY_REPLACED_RECENTLY',
            details: { replaceableFrom: from },
          });
          expect(refused.body.message).toContain(`from ${from}`);
        }
        expect(await treeSize(community)).toBe(2);

        // Once the period is over, the same ticket (not used by the refusals) replaces it.
        clock.at = started + REPLACEMENT_DAYS * DAY;
        await replaceAgain().expect(201);
      } finally {
        clock.at = started;
      }
      const leaves = (
        await request(server()).get(`/communities/${community.slug}/group/leaves`).expect(200)
      ).body;
      expect(leaves.leaves).toEqual(['0', '0', commitmentOf(third)]);
      expect(
        (await prisma.credentialAccount.findFirstOrThrow({ where: { communityId: community.id } }))
          .replacedOn,
      ).toEqual(new Date((today + REPLACEMENT_DAYS) * DAY));
    });

    it(
      'gives one account one membership, replacing a lost identity only when asked',
      async () => {
        const community = await credentialCommunity();
        const subject = `user-${randomUUID()}`;
        const lost = createIdentity();
        const found = createIdentity();
        await join(community, {
          ticket: await ticket(key, community, subject),
          commitment: commitmentOf(lost),
        }).expect(201);
        const second = await join(community, {
          ticket: await ticket(key, community, subject),
          commitment: commitmentOf(found),
        }).expect(409);
        expect(second.body.code).toBe('ACCOUNT_ALREADY_MEMBER');
        expect(second.body.message).toMatch(/replaceLostIdentity/);

        const replaced = await join(community, {
          ticket: await ticket(key, community, subject),
          commitment: commitmentOf(found),
          replaceLostIdentity: true,
        }).expect(201);
        expect(replaced.body).toMatchObject({ leafIndex: 1, size: 2 });
        const leaves = (
          await request(server()).get(`/communities/${community.slug}/group/leaves`).expect(200)
        ).body;
        expect(leaves.leaves).toEqual(['0', commitmentOf(found)]);
        const account = await prisma.credentialAccount.findFirstOrThrow({
          where: { communityId: community.id },
          include: { member: true },
        });
        expect(account.member.commitment).toBe(commitmentOf(found));

        // The new identity proves membership with a real proof over the group as published now.
        const prove = await prover(app, community);
        const proven = await prove(found, 'proof.check', '', {});
        const checked = await checkProof(app, community.slug, proven).expect(200);
        expect(checked.body.pseudonym).toBe(proven.proof.nullifier);

        // Another account with the same subject at another issuer is another account.
        const otherCommunity = await credentialCommunity();
        await join(otherCommunity, { ticket: await ticket(key, otherCommunity, subject) }).expect(
          201,
        );
        const hashes = await prisma.credentialAccount.findMany({
          where: { communityId: { in: [community.id, otherCommunity.id] } },
        });
        // One account's memberships of two communities are not linkable by their hashes.
        expect(new Set(hashes.map((row) => row.accountHash)).size).toBe(2);
      },
      PROVING,
    );

    it('refuses an account whose member the operator removed', async () => {
      const community = await credentialCommunity();
      const subject = `user-${randomUUID()}`;
      const member = createIdentity();
      await join(community, {
        ticket: await ticket(key, community, subject),
        commitment: commitmentOf(member),
      }).expect(201);
      await request(server())
        .delete(`/communities/${community.slug}/members/${commitmentOf(member)}`)
        .set(operator)
        .expect(200);
      const refused = await join(community, {
        ticket: await ticket(key, community, subject),
        replaceLostIdentity: true,
      }).expect(403);
      expect(refused.body.code).toBe('ACCOUNT_REMOVED');
    });
  });

  it('answers a join 503 ISSUER_KEYS_UNAVAILABLE, not 500, when a stored issuer has unusable keys', async () => {
    // Rows the API refuses now, as older versions stored them or an operator wrote them by hand:
    // a URL `new URL` cannot parse, and inline keys that are no key set.
    const rows = [
      { jwksUrl: 'http://0x100000000/jwks.json' },
      { jwks: { keys: 'not a list' } },
      { jwks: [] as string[] },
    ];
    for (const row of rows) {
      const community = await communityWithMembers(app, [], 'CREDENTIAL');
      await prisma.credentialIssuer.create({
        data: { communityId: community.id, issuer: ISSUER, ...row },
      });
      const refused = await join(community, { ticket: await ticket(key, community, 'a') });
      expect({ row, status: refused.status, code: refused.body.code }).toEqual({
        row,
        status: 503,
        code: 'ISSUER_KEYS_UNAVAILABLE',
      });
      expect(await treeSize(community)).toBe(0);
    }
  });

  it('stores no issuer with neither or both of jwksUrl and jwks (a database check)', async () => {
    const community = await communityWithMembers(app, [], 'CREDENTIAL');
    for (const keys of [{}, { jwksUrl: 'https://news.example/jwks.json', jwks: { keys: [] } }]) {
      await expect(
        prisma.credentialIssuer.create({
          data: { communityId: community.id, issuer: ISSUER, ...keys },
        }),
      ).rejects.toThrow(/credential_issuers_one_key_source_check|check constraint/i);
    }
    expect(await prisma.credentialIssuer.count({ where: { communityId: community.id } })).toBe(0);
  });

  describe('keys published at a URL', () => {
    let jwksServer: Server;
    let jwksUrl: string;

    beforeAll(async () => {
      jwksServer = createServer((_request, response) => {
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ keys: [key.publicJwk] }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    });

    afterAll(() => new Promise((resolve) => jwksServer.close(resolve)));

    it("checks tickets against the issuer's JWKS, and answers 503 when it cannot be fetched", async () => {
      const community = await communityWithMembers(app, [], 'CREDENTIAL');
      await request(server())
        .post(`/communities/${community.slug}/issuers`)
        .set(operator)
        .send({ issuer: ISSUER, jwksUrl })
        .expect(201);
      await join(community, { ticket: await ticket(key, community, 'remote-user') }).expect(201);
      // A fault of the ticket itself is the member's, not the key endpoint's: 400, not 503.
      const critical = await join(community, {
        ticket: ticketWithUnknownCrit(key, community, 'remote-user'),
      }).expect(400);
      expect(critical.body.code).toBe('TICKET_MALFORMED');

      const unreachable = await communityWithMembers(app, [], 'CREDENTIAL');
      await request(server())
        .post(`/communities/${unreachable.slug}/issuers`)
        .set(operator)
        // A port nothing listens on: the key fetch fails at once.
        .send({ issuer: ISSUER, jwksUrl: 'http://127.0.0.1:9/jwks.json' })
        .expect(201);
      const refused = await join(unreachable, {
        ticket: await ticket(key, unreachable, 'remote-user'),
      }).expect(503);
      expect(refused.body.code).toBe('ISSUER_KEYS_UNAVAILABLE');
    });
  });
});
