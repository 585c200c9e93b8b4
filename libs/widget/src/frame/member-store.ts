// What the frame remembers about its member, in its own origin's storage, never sent anywhere:
// the identity backup, the membership, the pseudonym (computed from the identity and the
// community's scope, so the frame knows the member's own notes), the member's own ratings (so a
// rated note shows its rating after a reload) and the status last seen of the notes the member
// wrote or rated (to tell, on the device, which of them changed status).
import type { Helpfulness, NoteStatus } from '@bridgenotes/protocol';

const IDENTITY_KEY = 'bridgenotes:identity';
const memory = new Map<string, string>();
/**
 * This origin's localStorage, or, where the browser gives a third-party frame none, null (kept in
 * memory: gone at the next reload) until the member opens the frame's storage through the
 * Storage Access API (storage-access.ts).
 */
let backing: Storage | null = (() => {
  try {
    return localStorage;
  } catch {
    return null;
  }
})();
const storage = {
  get(key: string): string | null {
    try {
      return backing ? backing.getItem(key) : (memory.get(key) ?? null);
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string): void {
    try {
      if (!backing) throw new Error('no lasting storage');
      backing.setItem(key, value);
    } catch {
      memory.set(key, value);
    }
  },
};

/** Whether what the frame remembers outlasts the page. */
export const lasting = (): boolean => backing !== null;

/**
 * Moves to the storage a Storage Access grant opened. What memory holds moves along, unless
 * that storage already holds an identity (an earlier visit's), which is never overwritten.
 */
export function useStorage(granted: Storage): void {
  if (granted.getItem(IDENTITY_KEY) === null) {
    for (const [key, value] of memory) granted.setItem(key, value);
  }
  memory.clear();
  backing = granted;
}

export interface OwnRating {
  helpfulness: Helpfulness;
  tags: string[];
  /** The minute the rating was proven with: a change takes a later one (nextRatingMinute). */
  clientMinute: number;
}

/** A note the member wrote or rated, with the status it had when the member last saw it. */
export interface TrackedNote {
  role: 'wrote' | 'rated';
  status: NoteStatus;
  text: string;
}

export class MemberStore {
  constructor(private readonly slug: string) {}

  get identity(): string | null {
    return storage.get(IDENTITY_KEY);
  }

  set identity(backup: string) {
    storage.set(IDENTITY_KEY, backup);
  }

  /**
   * A membership recorded here for the identity kept now: one recorded for another identity (the
   * member restored a different backup since) is not this identity's. Records from before the
   * holder was kept count for whichever identity is kept.
   */
  get isMember(): boolean {
    const holder = storage.get(this.key('holder'));
    return (
      this.identity !== null &&
      storage.get(this.key('member')) !== null &&
      (holder === null || holder === this.identity)
    );
  }

  /**
   * Records the membership; `pending`: the join waits for its batch (not in the published
   * leaves yet), so the member reads but cannot prove until `sealed`.
   */
  joined(commitment: string, pending = false): void {
    storage.set(this.key('member'), commitment);
    storage.set(this.key('holder'), this.identity ?? '');
    storage.set(this.key('pending'), pending ? commitment : '');
  }

  /** The commitment the member joined with, while a member. */
  get memberCommitment(): string | null {
    return this.isMember ? storage.get(this.key('member')) : null;
  }

  /** Whether the membership waits to be sealed (see `joined`). */
  get pending(): boolean {
    const member = storage.get(this.key('member'));
    return member !== null && storage.get(this.key('pending')) === member;
  }

  /** The member's commitment appeared in the published leaves. */
  sealed(): void {
    storage.set(this.key('pending'), '');
  }

  /** A member whose membership is sealed: it can rate, write, ask and report. */
  get canAct(): boolean {
    return this.isMember && !this.pending;
  }

  /** Kept beside the commitment it belongs to: a restored identity has another pseudonym. */
  get pseudonym(): string | null {
    const [commitment, pseudonym] = (storage.get(this.key('pseudonym')) ?? '').split(':');
    return pseudonym && commitment === storage.get(this.key('member')) ? pseudonym : null;
  }

  set pseudonym(value: string) {
    storage.set(this.key('pseudonym'), `${storage.get(this.key('member'))}:${value}`);
  }

  rating(noteId: string): OwnRating | undefined {
    return this.map<OwnRating>('ratings')[noteId];
  }

  rated(noteId: string, rating: OwnRating): void {
    this.put('ratings', noteId, rating);
  }

  tracked(): Record<string, TrackedNote> {
    return this.map<TrackedNote>('tracked');
  }

  track(noteId: string, note: TrackedNote): void {
    this.put('tracked', noteId, note);
  }

  private key(name: string): string {
    return `bridgenotes:${name}:${this.slug}`;
  }

  private map<T>(name: string): Record<string, T> {
    try {
      const value = JSON.parse(storage.get(this.key(name)) ?? '{}') as unknown;
      return value && typeof value === 'object' ? (value as Record<string, T>) : {};
    } catch {
      return {};
    }
  }

  private put<T>(name: string, id: string, value: T): void {
    storage.set(this.key(name), JSON.stringify({ ...this.map<T>(name), [id]: value }));
  }
}
