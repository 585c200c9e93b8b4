import { Group } from '@semaphore-protocol/core';

import { groupFromLeaves, PublishedGroup } from './group';
import type { ProvenAction } from './prove';

export interface CommunityInfo {
  id: string;
  slug: string;
  name: string;
  description: string;
  admission: 'OPEN' | 'INVITE' | 'CLOSED';
  scope: string;
  treeDepth: number;
  treeSize: number;
  root: string;
}

/** A stored note request, as the API answers it. */
export interface NoteRequestInfo {
  id: string;
  communityId: string;
  postId: string;
  requesterPseudonym: string;
  clientMinute: number;
  /** Members of the community who requested a note on the post, this one included. */
  postRequestCount: number;
}

export class ApiRequestError extends Error {
  override name = 'ApiRequestError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a join brings beside the commitment, by the community's admission policy. */
export interface JoinAdmission {
  inviteCode?: string;
  ticket?: string;
  replaceLostIdentity?: boolean;
}

/** The calls a member's client makes. It never asks the server for a Merkle proof. */
export class BridgenotesClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

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
  ): Promise<{ leafIndex: number; root: string }> {
    const { inviteCode, ticket, replaceLostIdentity } =
      typeof admission === 'string' ? { inviteCode: admission } : admission;
    return this.request(`/communities/${encodeURIComponent(slug)}/members`, {
      method: 'POST',
      body: {
        commitment,
        ...(inviteCode ? { inviteCode } : {}),
        ...(ticket ? { ticket } : {}),
        ...(replaceLostIdentity ? { replaceLostIdentity: true } : {}),
      },
    });
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
    let status = 0;
    const request = await this.request<NoteRequestInfo>(
      `/communities/${encodeURIComponent(slug)}/note-requests`,
      { method: 'POST', body: provenBody(proven), onStatus: (code) => (status = code) },
    );
    return { request, created: status === 201 };
  }

  private async request<T>(
    path: string,
    options: { method?: string; body?: unknown; onStatus?: (status: number) => void } = {},
  ): Promise<T> {
    const response = await this.fetcher(`${this.baseUrl}${path}`, {
      method: options.method ?? 'GET',
      headers: options.body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    options.onStatus?.(response.status);
    const body = (await response.json()) as T & { code?: string; message?: string };
    if (!response.ok) {
      throw new ApiRequestError(
        response.status,
        body.code ?? 'UNKNOWN',
        body.message ?? response.statusText,
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
