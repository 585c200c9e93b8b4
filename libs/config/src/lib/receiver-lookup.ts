import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';

import { isPrivateAddress } from './receiver-addresses';

/**
 * The code of the error `receiverLookup` fails a connection with: the webhooks' worker and the
 * mirrors' puller tell it by this code, and say why in their own fixed sentence.
 */
export const PRIVATE_ADDRESS_CODE = 'EPRIVATEADDRESS';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * `dns.lookup`, for the sockets of an undici agent that must not reach inside the deployment's
 * network (a community's webhook, a mirror's origin), failing instead of answering when the name
 * resolves to an address `isPrivateAddress` refuses (any of them, when it has several). The check
 * sits where the socket gets its address, so what is checked is what is dialled. A literal
 * address in the URL is never looked up: check it first (`isPrivateHost`).
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
      const refused: NodeJS.ErrnoException = new Error(
        'the name resolves to a loopback, private or link-local address',
      );
      refused.code = PRIVATE_ADDRESS_CODE;
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses as [LookupAddress];
    callback(null, first.address, first.family);
  });
}
