import type { CommunityInfo, PublishedGroup } from '@bridgenotes/client';
import {
  type JoinWorkResponse,
  lookupPrefixOf,
  type MembershipChangeResponse,
  type NoteExplanationResponse,
  postLookupHash,
  type PostKey,
  type RatingResponse,
  retryAfterSeconds,
  ServerClock,
} from '@bridgenotes/protocol';

import { type Follow, reachableInstance } from './storage';

/** A note as the lookup and the notes endpoints answer it (the fields the panel reads). */
export interface Note {
  id: string;
  communityId: string;
  authorPseudonym: string;
  classification: string;
  reasons: string[];
  text: string;
  sources: string[];
  status: string;
  createdAt: string;
  deletedAt: string | null;
  /** Removed by the community's moderators: text and sources are empty (docs/moderation.md). */
  redacted?: boolean;
  score: {
    negativeFactorRaters?: SideTally;
    positiveFactorRaters?: SideTally;
    decidedBy?: string;
  } | null;
  /** The API's explanation (its English sentences, and each viewpoint's ratings). */
  explanation?: Pick<NoteExplanationResponse, 'headline' | 'detail' | 'viewpoints'> | null;
}

export interface SideTally {
  raters: number;
  helpful: number;
}

interface LookupBucket {
  prefix: string;
  posts: { hash: string; requestCount: number; notes: Note[] }[];
}

/**
 * An instance's error answer: its stable code and message. Status 0 and code NETWORK: the
 * request never reached the instance (offline, or the instance is down); INSTANCE_UNSUPPORTED:
 * it was never sent, to an address the extension no longer reaches (`reachableInstance`).
 */
export class InstanceError extends Error {
  override name = 'InstanceError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /**
     * The answer's structured detail (a `RATING_OUTDATED`'s `storedClientMinute`; a 429's
     * `retryAfter` seconds, from its Retry-After).
     */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The code of a request to a follow's address the extension no longer reaches. */
export const INSTANCE_UNSUPPORTED = 'INSTANCE_UNSUPPORTED';

/** One community's notes on the page's post, found by the private lookup. */
export interface Found {
  follow: Follow;
  notes: Note[];
  requestCount: number;
}

const clocks = new Map<string, ServerClock>();

/**
 * An instance's clock, from its answers: the minute a write to it proves is the instance's, never
 * the device's (ServerClock).
 */
export function instanceClock(instance: string): ServerClock {
  const origin = new URL(instance).origin;
  let clock = clocks.get(origin);
  if (!clock) clocks.set(origin, (clock = new ServerClock()));
  return clock;
}

/**
 * `fetch`, refusing with NETWORK when the request never reached the instance, and a 429 with the
 * instance's own code (a daily quota is not a wait of a minute) or RATE_LIMITED when it gave
 * none (a limit in front of it), with its Retry-After seconds: a member is told to check the
 * connection, or how long to wait, not that something failed.
 */
async function reach(url: string, init: RequestInit): Promise<Response> {
  // The browser would refuse it as a network failure, which sends the member to their connection.
  const { origin } = new URL(url);
  if (!reachableInstance(origin)) {
    throw new InstanceError(0, INSTANCE_UNSUPPORTED, origin, { instance: origin });
  }
  const response = await fetch(url, init).catch((error: unknown) => {
    throw new InstanceError(0, 'NETWORK', (error as Error)?.message ?? String(error));
  });
  instanceClock(origin).observe(response.headers);
  if (response.status === 429) {
    const retryAfter = retryAfterSeconds(response);
    const body = (await response.json().catch(() => ({}))) as {
      code?: unknown;
      message?: unknown;
      details?: unknown;
    };
    const details = typeof body.details === 'object' && body.details !== null ? body.details : {};
    throw new InstanceError(
      429,
      typeof body.code === 'string' ? body.code : 'RATE_LIMITED',
      typeof body.message === 'string' ? body.message : `${url}: HTTP 429`,
      retryAfter === undefined ? body.details : { ...details, retryAfter },
    );
  }
  return response;
}

async function call<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await reach(url, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    // The instance learns nothing from the extension beyond what each call says.
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  // An answer of `null` or a number (a proxy's, another service's) holds no code either.
  const body = Object((await response.json().catch(() => ({}))) ?? {}) as T & {
    code?: string;
    message?: string;
    details?: unknown;
  };
  if (!response.ok) {
    throw new InstanceError(
      response.status,
      typeof body.code === 'string' ? body.code : 'HTTP_ERROR',
      // Said to the member for a code the widget has no sentence for (`refusalText`): none else.
      typeof body.message === 'string' ? body.message : '',
      body.details,
    );
  }
  return body;
}

const communityUrl = (follow: Pick<Follow, 'instance' | 'slug'>) =>
  `${follow.instance}/communities/${encodeURIComponent(follow.slug)}`;

export const getCommunity = (instance: string, slug: string) =>
  call<CommunityInfo>(communityUrl({ instance, slug }));

/**
 * The private lookup: the bucket of the first digits of the post key's hash; only the post whose
 * whole hash matches is kept. The instance sees the bucket asked, never a URL or a key
 * (docs/extension.md, "What the lookup leaks").
 */
export async function lookUp(follow: Follow, key: PostKey): Promise<Found> {
  const hash = postLookupHash(key);
  const url = `${communityUrl(follow)}/lookup/${lookupPrefixOf(hash)}`;
  const bucket = await call<Partial<LookupBucket> | null>(url);
  // An answer that is no bucket (a proxy's page, another service at the address): said as such,
  // not as the TypeError reading it would throw.
  if (!Array.isArray(bucket?.posts)) throw new InstanceError(200, 'NOT_A_LOOKUP', `${url}`);
  const post = bucket.posts.find((candidate) => candidate?.hash === hash);
  return { follow, notes: post?.notes ?? [], requestCount: post?.requestCount ?? 0 };
}

/** What a join sends: the commitment, and what the community's admission asks beside it. */
export interface JoinBody {
  commitment: string;
  inviteCode?: string;
  workChallenge?: string;
  workNonce?: string;
}

export const join = (follow: Follow, body: JoinBody) =>
  call<MembershipChangeResponse>(`${communityUrl(follow)}/members`, {
    method: 'POST',
    body,
  });

export const joinWork = (follow: Follow) =>
  call<JoinWorkResponse>(`${communityUrl(follow)}/join-work`);

export const groupLeaves = (follow: Follow) =>
  call<PublishedGroup>(`${communityUrl(follow)}/group/leaves`);

/**
 * Whether `commitment` is a leaf of the published group: a join is in it once its batch is
 * sealed (docs/threat-model.md), and only then can the member prove. A removed member's leaf is
 * published as "0", which no commitment is. The root is not checked here: leaves that lied could
 * only make the extension attempt proofs, and every proof rebuilds the group and checks its root
 * first.
 */
export const inGroup = (group: PublishedGroup, commitment: string): boolean =>
  commitment !== '0' && group.leaves.includes(commitment);

export const rate = (follow: Follow, noteId: string, body: unknown) =>
  call<RatingResponse>(`${communityUrl(follow)}/notes/${encodeURIComponent(noteId)}/rating`, {
    method: 'PUT',
    body,
  });

export const writeNote = (follow: Follow, body: unknown) =>
  call<Note>(`${communityUrl(follow)}/notes`, { method: 'POST', body });

export const requestNote = (follow: Follow, body: unknown) =>
  call<{ postRequestCount: number }>(`${communityUrl(follow)}/note-requests`, {
    method: 'POST',
    body,
  });

/** `@zk-kit/semaphore-artifacts` 4.13.0, depth 20, as every instance serves them for the widget. */
const ARTIFACTS = {
  wasm: {
    path: '/widget/artifacts/4.13.0/semaphore-20.wasm',
    sha256: '6f71e55586929e520e76027ebe067daac8b41e2f4b8057313a5fd0304e1e44ee',
  },
  zkey: {
    path: '/widget/artifacts/4.13.0/semaphore-20.zkey',
    sha256: '33f9a067a80c7daf90e085449073613a9559a1904dd40aeb6d603afb7988c2cc',
  },
};

async function checkedFile(instance: string, file: { path: string; sha256: string }) {
  const response = await reach(`${instance}${file.path}`, {
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  // Said as any other answer of the instance is (`refusalText`): a 5xx, that the service is busy.
  if (!response.ok) {
    throw new InstanceError(response.status, 'HTTP_ERROR', '', { file: file.path });
  }
  // A download cut mid-way is the network's, as a request that never reached the instance.
  const bytes = await response.arrayBuffer().catch((error: unknown) => {
    throw new InstanceError(0, 'NETWORK', (error as Error)?.message ?? String(error));
  });
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  // An instance cannot hand this member a circuit of its own: the files are pinned.
  if (hex !== file.sha256) throw new Error(`circuit file ${file.path} is not the pinned one`);
  return bytes;
}

/** The pinned circuit files, from the instance (the browser's cache keeps them: immutable). */
export async function circuitFiles(instance: string) {
  const [wasm, zkey] = await Promise.all([
    checkedFile(instance, ARTIFACTS.wasm),
    checkedFile(instance, ARTIFACTS.zkey),
  ]);
  return { wasm, zkey };
}
