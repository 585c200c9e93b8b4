import { Group } from '@semaphore-protocol/core';

import { groupFromLeaves, PublishedGroup } from './group';

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

/** The calls a member's client makes. It never asks the server for a Merkle proof. */
export class BridgenotesClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  getCommunity(slug: string): Promise<CommunityInfo> {
    return this.request(`/communities/${encodeURIComponent(slug)}`);
  }

  join(
    slug: string,
    commitment: string,
    inviteCode?: string,
  ): Promise<{ leafIndex: number; root: string }> {
    return this.request(`/communities/${encodeURIComponent(slug)}/members`, {
      method: 'POST',
      body: { commitment, ...(inviteCode ? { inviteCode } : {}) },
    });
  }

  /** The whole group, rebuilt locally and checked against the published root. */
  async fetchGroup(slug: string): Promise<Group> {
    return groupFromLeaves(
      await this.request<PublishedGroup>(`/communities/${encodeURIComponent(slug)}/group/leaves`),
    );
  }

  private async request<T>(
    path: string,
    options: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const response = await this.fetcher(`${this.baseUrl}${path}`, {
      method: options.method ?? 'GET',
      headers: options.body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
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
