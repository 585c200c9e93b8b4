import { isPrivateAddress, isPrivateHost } from '@bridgenotes/config';
import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';

/** The code of the error `receiverLookup` fails a connection with. */
export const PRIVATE_ADDRESS_CODE = 'EWEBHOOKPRIVATE';

/** What the operator reads when the receiver is refused for its address (never the address). */
export const PRIVATE_ADDRESS_REFUSAL =
  'the webhook is a loopback, private or link-local address, which this instance does not send to (WEBHOOK_ALLOW_PRIVATE_RECEIVERS)';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * `dns.lookup`, for the sockets the webhook agent opens, failing instead of answering when the
 * name resolves to an address `isPrivateAddress` refuses (any of them, when it has several). The
 * check sits where the socket gets its address, so what is checked is what is dialled.
 */
export function receiverLookup(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0) {
      const none: NodeJS.ErrnoException = new Error('the name has no address');
      none.code = 'ENOTFOUND';
      return callback(none, []);
    }
    if (addresses.some(({ address }) => isPrivateAddress(address))) {
      const refused: NodeJS.ErrnoException = new Error(PRIVATE_ADDRESS_REFUSAL);
      refused.code = PRIVATE_ADDRESS_CODE;
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses as [LookupAddress];
    callback(null, first.address, first.family);
  });
}

/**
 * Why the worker will not send to `url` at all (a fixed sentence, never the URL), or undefined:
 * a URL that cannot be read or is not http(s), one with a user name or password (which fetch
 * refuses with the whole URL, password included, in its message), and, unless `allowPrivate`, a
 * refused address literal, which no lookup sees, or localhost.
 */
export function refusedReceiver(url: string, allowPrivate: boolean): string | undefined {
  if (!URL.canParse(url)) return 'the webhook URL cannot be read: set it again';
  const { protocol, username, password, hostname } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:') return 'the webhook URL is not http(s)';
  if (username !== '' || password !== '') {
    return 'the webhook URL holds a user name or password, which is never sent: set it again without them';
  }
  if (!allowPrivate && isPrivateHost(hostname)) {
    return PRIVATE_ADDRESS_REFUSAL;
  }
  return undefined;
}
