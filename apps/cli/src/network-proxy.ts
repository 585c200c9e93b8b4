/** The variables that name a proxy, as curl and undici read them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/**
 * Sends the CLI's requests through the proxy HTTPS_PROXY or HTTP_PROXY names, except to the
 * hosts NO_PROXY lists (docs/threat-model.md: a member may relay their writes). Node 20's fetch
 * ignores these variables; undici's EnvHttpProxyAgent reads them, and made the global dispatcher
 * it carries every fetch. Loaded only when a proxy is set: otherwise the CLI starts as before.
 */
export async function useProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!PROXY_VARIABLES.some((name) => env[name])) return;
  const { EnvHttpProxyAgent, setGlobalDispatcher } = await import('undici');
  setGlobalDispatcher(new EnvHttpProxyAgent());
}
