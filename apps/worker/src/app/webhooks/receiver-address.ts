import { isPrivateHost } from '@bridgenotes/config';

/** What the operator reads when the receiver is refused for its address (never the address). */
export const PRIVATE_ADDRESS_REFUSAL =
  'the webhook is a loopback, private or link-local address, which this instance does not send to (WEBHOOK_ALLOW_PRIVATE_RECEIVERS)';

/**
 * Why the worker will not send to `url` at all (a fixed sentence, never the URL), or undefined:
 * a URL that cannot be read or is not http(s), one with a user name or password (which fetch
 * refuses with the whole URL, password included, in its message), and, unless `allowPrivate`, a
 * refused address literal, which no lookup sees, or localhost. A name is checked as it resolves,
 * by `receiverLookup` (libs/config).
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
