import type { AdmissionPolicy } from '@bridgenotes/protocol';

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
  /** Note id → the member's own latest rating of it, to show it back. */
  ratings: Record<string, string>;
}

const EMPTY: Stored = { follows: [], identities: {}, memberships: {}, ratings: {} };

export async function load(): Promise<Stored> {
  const found = await ext.storage.local.get(Object.keys(EMPTY));
  return { ...EMPTY, ...(found as Partial<Stored>) };
}

export async function save(changes: Partial<Stored>): Promise<void> {
  await ext.storage.local.set(changes);
}

export const followKey = (follow: Pick<Follow, 'instance' | 'slug'>) =>
  `${follow.instance} ${follow.slug}`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

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
