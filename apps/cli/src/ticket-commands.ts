import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

import type { CliOptions } from './cli-options';
import { positiveInteger, required, UsageError } from './usage-error';

/** The algorithm of the keys `ticket keygen` makes: small keys and signatures, widely supported. */
const ALGORITHM = 'ES256';

/** A ticket vouches for a login that just happened; the API refuses any living over an hour. */
const DEFAULT_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 3_600;

/**
 * `ticket keygen --out <file>`: an issuer's signing key, for operators trying CREDENTIAL admission
 * and for tests. The private key goes to the file (owner-only); the public JWKS, which the
 * community's operator registers, goes to standard output.
 */
async function keygen(options: CliOptions): Promise<number> {
  const out = required(options.out, '--out');
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), alg: ALGORITHM, kid };
  await writeFile(out, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw new UsageError(`${out} exists; choose another --out file`);
      throw error;
    },
  );
  const publicJwk = { ...(await exportJWK(publicKey)), alg: ALGORITHM, kid, use: 'sig' };
  console.error(`private key saved to ${out}; register this public JWKS as the issuer's keys:`);
  console.log(JSON.stringify({ keys: [publicJwk] }));
  return 0;
}

/**
 * `ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account>`: what a
 * host site does for its signed-in user, as a command. Prints the ticket.
 */
async function sign(options: CliOptions): Promise<number> {
  const jwk = await privateKeyFile(required(options.key, '--key'));
  const ttl = positiveInteger(options.ttl, '--ttl') ?? DEFAULT_TTL_SECONDS;
  if (ttl < 1 || ttl > MAX_TTL_SECONDS) {
    throw new UsageError(`--ttl must be from 1 to ${MAX_TTL_SECONDS} seconds`);
  }
  const alg = jwk.alg ?? ALGORITHM;
  const key = await importJWK(jwk, alg).catch((error: Error) => {
    throw new UsageError(`--key ${options.key} holds no usable ${alg} key: ${error.message}`);
  });
  const ticket = await new SignJWT({})
    .setProtectedHeader({ alg, ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setIssuer(required(options.issuer, '--issuer'))
    .setAudience(required(options.audience, '--audience'))
    .setSubject(required(options.subject, '--subject'))
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(key);
  console.log(ticket);
  return 0;
}

/** The private JWK `ticket keygen` saved; a file that is not one is a mistake in --key. */
async function privateKeyFile(path: string): Promise<JWK> {
  const text = await readFile(path, 'utf8');
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new UsageError(`--key ${path} is not a key file made by "ticket keygen" (not JSON)`);
  }
  if (typeof jwk !== 'object' || jwk === null || !(jwk as JWK).d) {
    throw new UsageError(`--key ${path} must be a private key file made by "ticket keygen"`);
  }
  return jwk as JWK;
}

export async function ticketCommand(args: string[], options: CliOptions): Promise<number> {
  switch (args[0]) {
    case 'keygen':
      return keygen(options);
    case 'sign':
      return sign(options);
    default:
      throw new UsageError(
        'ticket keygen --out <file> | ticket sign --key <file> --issuer <iss> --audience <community id> --subject <account> [--ttl <s>]',
      );
  }
}
