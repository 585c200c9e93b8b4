import { isPrivateHost, PRIVATE_ADDRESS_CODE, receiverLookup } from '@bridgenotes/config';
import { ExportReadError } from '@bridgenotes/open-data';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';

/** What the operator reads when an origin is refused for its address (never the address). */
export const PRIVATE_ORIGIN_REFUSAL =
  'the origin is a loopback, private or link-local address, or a name resolving to one, which this instance does not read from (MIRROR_ALLOW_PRIVATE_ORIGINS)';

const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/**
 * How this instance reads origins (the API the manifest when following, the worker every pull):
 * both read from inside the deployment's network, so unless `MIRROR_ALLOW_PRIVATE_ORIGINS` is
 * true an origin at a loopback, private or link-local address is refused, as a literal before
 * any connection, and as a name where the socket gets its address (`receiverLookup`, the
 * webhooks' own check), so a name whose answer changes between two looks cannot slip through.
 * Redirects are never followed either way (libs/open-data `origin-read`).
 */
export class OriginFetch {
  private agent: Agent | undefined;

  constructor(private readonly allowPrivate: boolean) {}

  /** The fetch to read origins with; undefined (the global fetch) when private ones are allowed. */
  get fetcher(): typeof fetch | undefined {
    return this.allowPrivate ? undefined : this.guarded;
  }

  private readonly guarded = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const url = urlOf(input);
    const refused = () =>
      new ExportReadError(`GET ${url}: ${PRIVATE_ORIGIN_REFUSAL}`, 'ORIGIN_UNREACHABLE');
    if (!URL.canParse(url) || isPrivateHost(new URL(url).hostname)) throw refused();
    this.agent ??= new Agent({ connect: { lookup: receiverLookup } });
    try {
      const response = await undiciFetch(url, {
        ...(init as UndiciRequestInit),
        dispatcher: this.agent,
      });
      return response as unknown as Response;
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: unknown } }).cause;
      if (cause?.code === PRIVATE_ADDRESS_CODE) throw refused();
      throw error;
    }
  };

  /** Closes the connections the agent keeps. */
  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close();
  }
}
