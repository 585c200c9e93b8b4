import { Group } from '@semaphore-protocol/core';

import {
  type CommunityResponse,
  type JoinWorkResponse,
  type MembershipChangeResponse,
  type NoteRequestResponse,
  ServerClock,
} from '@bridgenotes/protocol';

import { groupFromLeaves, PublishedGroup } from './group';
import type { ProvenAction } from './prove';

/** A community as the API answers it (declared once, in libs/protocol). */
export type CommunityInfo = CommunityResponse;

/** A stored note request, as the API answers it. */
export type NoteRequestInfo = NoteRequestResponse;

export class ApiRequestError extends Error {
  override name = 'ApiRequestError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The answer's structured detail, e.g. `storedClientMinute` of `RATING_OUTDATED`. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * How many times a proven write is sent in all when no answer came, a 5xx came, or an answer that
 * is not the API's JSON (a proxy's 502 page, say). Safe because every proven write is idempotent
 * (docs/protocol.md): the same body again (the same clientMinute and proof) answers the stored
 * note, rating or request. Sent again by hand, the member's command would prove anew for another
 * minute and store a second note. No answer matters after a long proof: proving blocks the event
 * loop, the server (or a proxy) closes the idle keep-alive connection meanwhile, and the first
 * send goes out on the dead socket ("fetch failed"); the pool then opens a fresh connection. The
 * widget resends the same body too (libs/widget, proven-writes.ts).
 */
const WRITE_ATTEMPTS = 4;

/** The wait before send `attempt` + 1: short, doubling (0.25 s, 0.5 s, 1 s). */
const resendDelayMs = (attempt: number) => 250 * 2 ** (attempt - 1);

/**
 * fetch rejects with a TypeError only when no answer came. By name: undici's TypeError may come
 * from another realm than this module's (a test runner's sandbox), failing `instanceof` (even
 * `instanceof Error`).
 */
const unanswered = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as Error).name === 'TypeError';

/** Whether a proven write that failed so may be sent again, the same body. */
const mayResend = (error: unknown, status: number): boolean =>
  (unanswered(error) && status === 0) ||
  (error instanceof ApiRequestError && (error.status >= 500 || error.code === 'RESPONSE_INVALID'));

/** A write's outcome: what the API answered, and whether this call stored something new. */
export interface WriteResult<T> {
  body: T;
  status: number;
}

/** What a join brings beside the commitment, by the community's admission policy. */
export interface JoinAdmission {
  inviteCode?: string;
  ticket?: string;
  replaceLostIdentity?: boolean;
  /** An OPEN community's proof-of-work: its challenge (`joinWork`) and the nonce solving it. */
  work?: { challenge: string; nonce: string };
}

/** The calls a member's client makes. It never asks the server for a Merkle proof. */
export class BridgenotesClient {
  private readonly baseUrl: string;
  /** The instance's clock, learnt from its answers: proven minutes are the instance's, not the device's. */
  readonly clock = new ServerClock();

  constructor(
    baseUrl: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {
    // `https://notes.example/` as typed: the paths below begin with their own slash.
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  getCommunity(slug: string): Promise<CommunityInfo> {
    return this.request(`/communities/${encodeURIComponent(slug)}`);
  }

  /**
   * Joins with an identity commitment and what the community's admission needs: an invite code
   * (INVITE; a string is taken as one), or a ticket its host site signed (CREDENTIAL), with
   * `replaceLostIdentity` when the account's current identity is lost.
   */
  join(
    slug: string,
    commitment: string,
    admission: string | JoinAdmission = {},
  ): Promise<MembershipChangeResponse> {
    const { inviteCode, ticket, replaceLostIdentity, work } =
      typeof admission === 'string' ? { inviteCode: admission } : admission;
    return this.request(`/communities/${encodeURIComponent(slug)}/members`, {
      method: 'POST',
      body: {
        commitment,
        ...(inviteCode ? { inviteCode } : {}),
        ...(ticket ? { ticket } : {}),
        ...(replaceLostIdentity ? { replaceLostIdentity: true } : {}),
        ...(work ? { workChallenge: work.challenge, workNonce: work.nonce } : {}),
      },
    });
  }

  /** The proof-of-work an OPEN join needs now: the difficulty (0: none) and a challenge. */
  joinWork(slug: string): Promise<JoinWorkResponse> {
    return this.request(`/communities/${encodeURIComponent(slug)}/join-work`);
  }

  /** The whole group, rebuilt locally and checked against the published root. */
  async fetchGroup(slug: string): Promise<Group> {
    return groupFromLeaves(
      await this.request<PublishedGroup>(`/communities/${encodeURIComponent(slug)}/group/leaves`),
    );
  }

  /**
   * Sends a proven note request (see `noteRequestAction`). Asking again for the same post answers
   * the stored request: `created` tells whether this call recorded it.
   */
  async requestNote(
    slug: string,
    proven: ProvenAction,
  ): Promise<{ request: NoteRequestInfo; created: boolean }> {
    const { body, status } = await this.write<NoteRequestInfo>(
      'POST',
      `/communities/${encodeURIComponent(slug)}/note-requests`,
      proven,
    );
    return { request: body, created: status === 201 };
  }

  /** Sends a proven note (`note.create`); the answer is the stored note. */
  createNote<T = unknown>(slug: string, proven: ProvenAction): Promise<WriteResult<T>> {
    return this.write('POST', `/communities/${encodeURIComponent(slug)}/notes`, proven);
  }

  /** Sends a proven rating (`rating.put`); `409 RATING_OUTDATED` says which minute to use. */
  putRating<T = unknown>(
    slug: string,
    noteId: string,
    proven: ProvenAction,
  ): Promise<WriteResult<T>> {
    return this.write(
      'PUT',
      `/communities/${encodeURIComponent(slug)}/notes/${encodeURIComponent(noteId)}/rating`,
      proven,
    );
  }

  /**
   * Sends a proven write, the same body again (WRITE_ATTEMPTS) when the connection died
   * unanswered, the instance failed (5xx) or something else answered; never after a refusal.
   */
  async write<T>(method: string, path: string, proven: ProvenAction): Promise<WriteResult<T>> {
    const body = provenBody(proven);
    for (let attempt = 1; ; attempt += 1) {
      let status = 0;
      try {
        const answer = await this.request<T>(path, {
          method,
          body,
          onStatus: (code) => (status = code),
        });
        return { body: answer, status };
      } catch (error) {
        if (!mayResend(error, status) || attempt >= WRITE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, resendDelayMs(attempt)));
      }
    }
  }

  private async request<T>(
    path: string,
    options: { method?: string; body?: unknown; onStatus?: (status: number) => void } = {},
  ): Promise<T> {
    const method = options.method ?? 'GET';
    const send = () =>
      this.fetcher(`${this.baseUrl}${path}`, {
        method,
        headers: options.body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    // A read is sent again when no answer came: a keep-alive connection the server or a proxy
    // closed while this process was busy (between two reads, under load) fails the next request
    // on the dead socket ("fetch failed"); a read is idempotent, and the pool then opens a fresh
    // connection. Writes are resent by `write`, the same body.
    let response: Response | undefined;
    for (let attempt = 1; response === undefined; attempt += 1) {
      try {
        response = await send();
      } catch (error) {
        if (method !== 'GET' || !unanswered(error) || attempt >= WRITE_ATTEMPTS) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, resendDelayMs(attempt)));
      }
    }
    this.clock.observe(response.headers);
    options.onStatus?.(response.status);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not the API's JSON: a proxy's error page, another server at that address.
      const answered = `${response.status} ${response.statusText}`.trim();
      throw new ApiRequestError(
        response.status,
        'RESPONSE_INVALID',
        `the instance's answer (${answered}) is not the Bridgenotes API's: a proxy's error page, or not a Bridgenotes instance at that address`,
      );
    }
    const body = (parsed ?? {}) as T & {
      code?: string;
      message?: string;
      details?: unknown;
    };
    if (!response.ok) {
      throw new ApiRequestError(
        response.status,
        body.code ?? 'UNKNOWN',
        body.message ?? response.statusText,
        body.details,
      );
    }
    return body;
  }
}

/** The body of a proven write: the action's payload fields, its minute and its proof. */
export function provenBody(proven: ProvenAction): Record<string, unknown> {
  return {
    ...proven.action.payload,
    clientMinute: proven.action.clientMinute,
    proof: proven.proof,
  };
}
