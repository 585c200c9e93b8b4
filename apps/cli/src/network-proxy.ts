import { UsageError } from './usage-error';

/** The variables that name a proxy, as curl and undici read them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
/** curl's (and Tor set-ups') proxy for every protocol, often SOCKS, which undici cannot use. */
const ALL_PROXY_VARIABLES = ['ALL_PROXY', 'all_proxy'];

/**
 * Sends the CLI's requests through the proxy HTTPS_PROXY or HTTP_PROXY names, except to the
 * hosts NO_PROXY lists (docs/threat-model.md: a member may relay their writes); with ALL_PROXY
 * alone, refuses to send anything. Node 20's fetch
 * ignores these variables; undici's EnvHttpProxyAgent reads them, and made the global dispatcher
 * it carries every fetch. Loaded only when a proxy is set: otherwise the CLI starts as before.
 */
export async function useProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!PROXY_VARIABLES.some((name) => env[name])) {
    // A member who relays through ALL_PROXY expects no request to leave directly: refused rather
    // than sent from their own address.
    const all = ALL_PROXY_VARIABLES.find((name) => env[name]);
    if (all !== undefined) {
      throw new UsageError(
        `${all} is set, but bridgenotes sends its requests only through the HTTP proxy HTTPS_PROXY or HTTP_PROXY names (no SOCKS): set HTTPS_PROXY (an HTTP proxy in front of yours), or unset ${all} to connect directly`,
      );
    }
    return;
  }
  const { EnvHttpProxyAgent, setGlobalDispatcher } = await import('undici');
  setGlobalDispatcher(new EnvHttpProxyAgent());
}
