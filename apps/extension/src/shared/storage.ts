import type { AdmissionPolicy, CommunityResponse, Helpfulness } from '@bridgenotes/protocol';

import { ext } from './extension-api';

/** A community the reader follows: notes from it are looked up and shown on every page. */
export interface Follow {
  /** The instance's origin, e.g. `https://notes.example.org` (no path, no trailing slash). */
  instance: string;
  slug: string;
  /** As the instance published them when followed (checked again before every proof). */
  id: string;
  name: string;
  scope: string;
  admission: AdmissionPolicy;
  /**
   * The instance's seal wait as its answer said it when followed (`CommunityResponse.sealing`),
   * which a pending join is waited for by (shared/membership.ts): kept so that looking for a join
   * asks the instance nothing more than the group, whatever the join's state. null: the answer
   * said none (an older API). Missing: followed by an earlier version, asked once then.
   */
  sealing?: CommunityResponse['sealing'] | null;
}

/** What `community`'s answer says of its instance's seal wait, as a follow keeps it. */
export function followedSealing(community: { sealing?: unknown }): Follow['sealing'] {
  const wait = (community.sealing as { maxWaitSeconds?: unknown } | null | undefined)
    ?.maxWaitSeconds;
  return wait === null || typeof wait === 'number' ? { maxWaitSeconds: wait } : null;
}

/**
 * Everything the extension keeps, in the extension's own storage (out of every web page's
 * reach). Identities are per instance: one identity joined to two instances would show both
 * operators the same commitment, linking the member across them.
 */
export interface Stored {
  follows: Follow[];
  /** Instance origin → the Semaphore identity's backup, the format of the widget and the CLI. */
  identities: Record<string, string>;
  /** `<instance> <slug>` → the commitment this extension joined the community with. */
  memberships: Record<string, string>;
  /**
   * `<instance> <slug>` → the commitment of a join the instance accepted but keeps for its batch
   * (docs/threat-model.md): not in the published group yet, so nothing can be proven with it.
   * Only while it is the membership's commitment (shared/membership.ts).
   */
  pending: Record<string, string>;
  /**
   * `<instance> <slug>` → `<commitment>:<seconds>`, when that pending join was made (or, for one an
   * earlier version recorded, first seen pending): a join never sealed is given up once it waited
   * longer than its instance may keep it for its batch (shared/membership.ts).
   */
  pendingSince: Record<string, string>;
  /**
   * `<instance> <slug>` → the commitment of a membership last seen missing from the published
   * group, which is no proof of an end: an instance restored from an older backup, a mirror
   * behind its origin, or a join an earlier version recorded as sealed too soon all look the
   * same, so it is looked for again at every download of the group (shared/membership.ts). The
   * name is the one earlier versions kept it under, when they took it for an end.
   */
  ended: Record<string, string>;
  /**
   * `<instance> <slug>` → the commitment the instance refused as MEMBERSHIP_ENDED (removed or
   * replaced): the only end that is final. Only while it is the membership's commitment.
   */
  refused: Record<string, string>;
  /** Note id → the member's own latest rating of it, to show it back. */
  ratings: Record<string, string>;
  /**
   * Note id → that rating's `clientMinute`: a change is proven with the minute after it
   * (`nextRatingMinute`), since the API keeps the rating of the latest minute.
   */
  ratingMinutes: Record<string, number>;
}

const EMPTY: Stored = {
  follows: [],
  identities: {},
  memberships: {},
  pending: {},
  pendingSince: {},
  ended: {},
  refused: {},
  ratings: {},
  ratingMinutes: {},
};

export async function load(): Promise<Stored> {
  const found = await ext.storage.local.get(Object.keys(EMPTY));
  return { ...EMPTY, ...(found as Partial<Stored>) };
}

/** The lock the extension's pages and its service worker take to update the storage. */
export const STORAGE_LOCK = 'bridgenotes-storage';

let queue: Promise<unknown> = Promise.resolve();

/**
 * Saves what `change` makes of the storage as it is now, one update at a time: a read, then a
 * save computed from it, with no other update in between. A load() before a network wait and a
 * save() after it would save a seconds-old copy over whatever another action, settings tab or
 * the service worker saved meanwhile (an identity, a membership, a follow). A chain of promises
 * orders this page's updates; a Web Lock orders them with the other pages' and the worker's.
 * Chromium refuses the lock to the panel (an extension frame in a web page, a third-party
 * context), so the panel does not call this: it asks the service worker to save its ratings
 * (`SaveRatingMessage`). `change` runs inside the lock, so it only computes: whatever it needs
 * from the network is fetched before. Throwing in it saves nothing and fails the update.
 */
export function update(change: (stored: Stored) => Partial<Stored>): Promise<void> {
  const readModifyWrite = async () => {
    await ext.storage.local.set(change(await load()));
  };
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  const locked = () => (locks ? locks.request(STORAGE_LOCK, readModifyWrite) : readModifyWrite());
  const done = queue.then(locked, locked);
  queue = done.catch(() => undefined);
  return done;
}

/** The panel's request to the service worker: keep the member's own rating of a note. */
export interface SaveRatingMessage {
  type: 'save-rating';
  noteId: string;
  helpfulness: Helpfulness;
  /** The rating's minute, as the API answered it. */
  clientMinute?: number;
}

const HELPFULNESS: readonly Helpfulness[] = ['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'];

/** Whether `message` is a well-formed `SaveRatingMessage`. */
export const isSaveRating = (message: unknown): message is SaveRatingMessage => {
  const candidate = message as Partial<SaveRatingMessage> | null;
  return (
    candidate?.type === 'save-rating' &&
    typeof candidate.noteId === 'string' &&
    candidate.noteId.length > 0 &&
    HELPFULNESS.includes(candidate.helpfulness as Helpfulness) &&
    (candidate.clientMinute === undefined ||
      (Number.isSafeInteger(candidate.clientMinute) && candidate.clientMinute >= 0))
  );
};

/**
 * Keeps the member's own latest rating of a note (in the service worker, under the lock): a
 * rating of an earlier minute than the one kept (two panels rating at once) changes nothing.
 */
export const saveRating = ({ noteId, helpfulness, clientMinute }: SaveRatingMessage) =>
  update(({ ratings, ratingMinutes }) => {
    const kept = ratingMinutes[noteId];
    if (clientMinute === undefined) return { ratings: { ...ratings, [noteId]: helpfulness } };
    if (kept !== undefined && kept > clientMinute) return {};
    return {
      ratings: { ...ratings, [noteId]: helpfulness },
      ratingMinutes: { ...ratingMinutes, [noteId]: clientMinute },
    };
  });

export const followKey = (follow: Pick<Follow, 'instance' | 'slug'>) =>
  `${follow.instance} ${follow.slug}`;

/**
 * The names of this machine an instance may be reached at over plain http: the manifest's host
 * permissions and its pages' `connect-src` allow http for these only (manifest.spec.ts). Not
 * `[::1]`: Chromium's CSP has no way to name an IPv6 address.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/**
 * An instance URL as typed by a reader, reduced to its origin; null when it is not one. Plain
 * http only on this machine (trying an instance out): anywhere else, anyone on the network
 * would read the lookups and could change the notes.
 */
export function instanceOrigin(input: string): string | null {
  try {
    const url = new URL(input.trim());
    const secure = url.protocol === 'https:';
    if (!secure && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return null;
    if (url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Whether the extension still reaches `instance`, a follow's origin: one followed before the
 * manifest's permissions were narrowed may be at an address they no longer cover
 * (`http://[::1]:port`), where every request is refused.
 */
export const reachableInstance = (instance: string): boolean =>
  instanceOrigin(instance) === instance;

/**
 * Where the settings can follow again an instance they no longer reach: the same port on
 * `localhost`, the name of this machine they do reach over plain http.
 */
export function localhostFor(instance: string): string {
  const url = new URL(instance);
  url.hostname = 'localhost';
  return url.origin;
}
