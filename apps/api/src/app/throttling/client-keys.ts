import { createHmac, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';

/** How often the key of the client hash changes: afterwards no bucket name matches the old ones. */
export const CLIENT_KEY_ROTATION_MS = 60 * 60_000;

/**
 * The part of an address that names one client: IPv4 whole, IPv6 its /64 (what one subscriber
 * gets; counting single IPv6 addresses would give each client 2⁶⁴ buckets).
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':');
}

/**
 * Names a client's rate-limit buckets without keeping its address: an HMAC of the bucket's
 * scope (its class of route) and the address under a key that lives only in this process's
 * memory and changes every hour (derived from the configured or drawn secret and the hour's
 * number, so every process and machine sharing the secret derives the same key and shares
 * buckets). The scope is inside the HMAC, so one client's joins, writes and reads buckets have
 * names nothing links to each other without the key. Neither the address nor the secret is ever
 * written to a log, a table or Redis; a bucket name outlives its key by at most one window.
 */
export class ClientKeys {
  private readonly secret: Buffer;
  private period = -1;
  private key = Buffer.alloc(0);

  constructor(
    secret: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /**
   * The name of `address`'s bucket in `scope`: a class of route for the store's buckets, or
   * `client` for this process's own memory of a client (blocks, failed proofs), which the store
   * never sees.
   */
  of(address: string, scope: string): string {
    const period = Math.floor(this.now() / CLIENT_KEY_ROTATION_MS);
    if (period !== this.period) {
      this.key = createHmac('sha256', this.secret).update(`rate-limit:${period}`).digest();
      this.period = period;
    }
    return (
      createHmac('sha256', this.key)
        // Scope and address are each free of NUL: the pair is read back one way only.
        .update(`${scope}\0${clientNetwork(address)}`)
        .digest('base64url')
        .slice(0, 22)
    );
  }
}
