import { Logger } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * How often the key of the client hash changes at least: afterwards no bucket name matches the
 * old ones. A window longer than this stretches the period to whole windows (`keyRotationMs`).
 */
export const CLIENT_KEY_ROTATION_MS = 60 * 60_000;

/**
 * How many clients' budgets an IPv6 /48 (a site: what a tunnel broker hands out for free, and
 * many ISPs to each subscriber) has in all, per class, beside each /64's own.
 */
export const IPV6_SITE_BUDGETS = 16;

/** The one name of every client whose address is not an IP address (see `clientNetwork`). */
const INVALID = 'invalid';

const logger = new Logger('RateLimits');
let warnedInvalid = false;

/**
 * The period of the buckets' key for a window of `windowSeconds`: an hour, or the window when it
 * is longer, in whole windows. Each change of key gives every client a fresh budget, so a window
 * cut by more than one change in its length would multiply the budget (a day's window cut every
 * hour: 24 budgets a day); at most one change a window costs at most one budget more, as it
 * does for the default 60 s window.
 */
export function keyRotationMs(windowSeconds: number): number {
  const windowMs = windowSeconds * 1_000;
  return Math.ceil(Math.max(CLIENT_KEY_ROTATION_MS, windowMs) / windowMs) * windowMs;
}

/**
 * The address without what a proxy may add to it: a port (`203.0.113.5:51234`, as Azure
 * Application Gateway forwards it; `[2001:db8::1]:443`), brackets, an IPv6 zone.
 */
function bareAddress(address: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1].replace(/%.*$/, '');
  const withPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address);
  if (withPort) return withPort[1];
  return address.replace(/%.*$/, '');
}

/** The address's eight IPv6 groups (lower case, no leading zeros), or its IPv4 text. */
function parse(address: string): { ipv4: string } | { groups: string[] } | undefined {
  const bare = bareAddress(address);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  const ipv4 = mapped ? mapped[1] : bare;
  if (isIPv4(ipv4)) return { ipv4 };
  if (!isIPv6(bare)) {
    if (!warnedInvalid) {
      warnedInvalid = true;
      // Never the value itself: it may well be an address, in a form not read here.
      logger.warn(
        'A client address is not an IP address (check TRUST_PROXY_HOPS and what the proxy ' +
          'forwards): such clients share one rate-limit budget per class. Said once.',
      );
    }
    return undefined;
  }
  const [head, tail = ''] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = bare.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return { groups: groups.map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')) };
}

/**
 * The part of an address that names one client: IPv4 whole, IPv6 its /64 (one subscriber's
 * network at the least; counting single IPv6 addresses would give each client 2⁶⁴ buckets), any
 * port dropped. Whatever is not an IP address is one shared client, warned of once.
 */
export function clientNetwork(address: string): string {
  const parsed = parse(address);
  if (parsed === undefined) return INVALID;
  if ('ipv4' in parsed) return parsed.ipv4;
  return parsed.groups.slice(0, 4).join(':');
}

/**
 * The IPv6 /48 an address is in (`<three groups>/48`, never the name of a client), which has
 * IPV6_SITE_BUDGETS budgets in all: a /48 (free from tunnel brokers) or a /56 (a common home
 * allocation) holds 65,536 or 256 /64s, each otherwise a fresh client. None for IPv4.
 */
export function clientSite(address: string): string | undefined {
  const parsed = parse(address);
  if (parsed === undefined || 'ipv4' in parsed) return undefined;
  return `${parsed.groups.slice(0, 3).join(':')}/48`;
}

/**
 * Names a client's rate-limit buckets without keeping its address: an HMAC of the bucket's
 * scope (its class of route) and the address under a key that lives only in this process's
 * memory and changes every period (an hour, or whole windows when the window is longer: derived
 * from the configured or drawn secret and the period's number, so every process and machine
 * sharing the secret derives the same key and shares buckets). The scope is inside the HMAC, so
 * one client's joins, writes and reads buckets have names nothing links to each other without
 * the key. Neither the address nor the secret is ever written to a log, a table or Redis; a
 * bucket name outlives its key by at most one window.
 */
export class ClientKeys {
  private readonly secret: Buffer;
  private period = -1;
  private key = Buffer.alloc(0);

  constructor(
    secret: string | undefined,
    private readonly now: () => number = Date.now,
    private readonly rotationMs = CLIENT_KEY_ROTATION_MS,
  ) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /**
   * The name of `address`'s bucket in `scope`: a class of route for the store's buckets, or
   * `client` for this process's own memory of a client (blocks, failed proofs), which the store
   * never sees.
   */
  of(address: string, scope: string): string {
    return this.hash(scope, clientNetwork(address));
  }

  /** The name of the bucket in `scope` of `address`'s IPv6 /48, none for IPv4 (`clientSite`). */
  ofSite(address: string, scope: string): string | undefined {
    const site = clientSite(address);
    return site === undefined ? undefined : this.hash(scope, site);
  }

  private hash(scope: string, network: string): string {
    const period = Math.floor(this.now() / this.rotationMs);
    if (period !== this.period) {
      // The hourly key is derived as it was before periods could be longer, so that machines
      // of both versions share buckets during an upgrade.
      const name =
        this.rotationMs === CLIENT_KEY_ROTATION_MS
          ? `rate-limit:${period}`
          : `rate-limit:${this.rotationMs}:${period}`;
      this.key = createHmac('sha256', this.secret).update(name).digest();
      this.period = period;
    }
    return (
      createHmac('sha256', this.key)
        // Scope and network are each free of NUL: the pair is read back one way only.
        .update(`${scope}\0${network}`)
        .digest('base64url')
        .slice(0, 22)
    );
  }
}
