import { UsageError } from './usage-error';

/** The variables that name a proxy, as curl and undici read them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
/** curl's (and Tor set-ups') proxy for every protocol, often SOCKS, which undici cannot use. */
const ALL_PROXY_VARIABLES = ['ALL_PROXY', 'all_proxy'];

/**
 * Sends the CLI's requests to `target` (the instance URL the command names) through the proxy
 * HTTPS_PROXY or HTTP_PROXY names, except to the hosts NO_PROXY lists (docs/threat-model.md: a
 * member may relay their writes). Node 20's fetch ignores these variables; undici's
 * EnvHttpProxyAgent reads them, and made the global dispatcher it carries every fetch. Loaded
 * only when a proxy is set: otherwise the CLI starts as before. With ALL_PROXY alone (which
 * undici cannot use), nothing is sent, unless NO_PROXY exempts the target's host.
 */
export async function useProxyFromEnvironment(
  target: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (!PROXY_VARIABLES.some((name) => env[name])) {
    // A member who relays through ALL_PROXY expects no request to leave directly: refused rather
    // than sent from their own address.
    const all = ALL_PROXY_VARIABLES.find((name) => env[name]);
    if (all !== undefined && !exempt(target, env['NO_PROXY'] ?? env['no_proxy'] ?? '')) {
      throw new UsageError(
        `${all} is set, but bridgenotes sends its requests only through the HTTP proxy HTTPS_PROXY or HTTP_PROXY names (no SOCKS): set HTTPS_PROXY (an HTTP proxy in front of yours), or unset ${all} to connect directly`,
      );
    }
    return;
  }
  const { EnvHttpProxyAgent, setGlobalDispatcher } = await import('undici');
  setGlobalDispatcher(new EnvHttpProxyAgent());
}

/**
 * Whether NO_PROXY exempts `target`'s host, read as curl reads it: `*`, or a comma-separated
 * list of hosts (with an optional `:port`), each matching itself and its subdomains. undici
 * keeps its own reading private; this one only decides a refusal, never where a request goes.
 */
function exempt(target: string, noProxy: string): boolean {
  if (!URL.canParse(target)) return false;
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [, name = '', only] = /^\[?(.*?)\]?(?::(\d+))?$/.exec(entry.toLowerCase()) ?? [];
      const bare = name.replace(/^\*?\./, '');
      return (only === undefined || only === port) && (host === bare || host.endsWith(`.${bare}`));
    });
}
