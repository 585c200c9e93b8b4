// About 700 lines, one room: the only code that reads or writes the frame's storage
// (storage-access.ts only obtains it), so its keys, the fallback to memory and the move into the
// storage the member grants, and the clean-up of earlier versions' keys are in one place, where
// a change to one key cannot miss the others.
//
// What the frame remembers about its member, in its own origin's storage, never sent anywhere:
// the identity backup, the membership, the pseudonym (computed from the identity and the
// community's scope, so the frame knows the member's own notes), each identity's own ratings (so a
// rated note shows its rating after a reload), the status last seen of the notes it wrote or
// rated (to tell, on the device, which of them changed status), and a copy of each note it wrote
// while the note waits for its batch (listed after a reload, which the API does not list yet).
import {
  type CommunityResponse,
  type Helpfulness,
  type NoteResponse,
  type NoteStatus,
  pendingJoinOverdue,
  pendingJoinResendable,
  sealWaitSeconds,
} from '@bridgenotes/protocol';

const IDENTITY_KEY = 'bridgenotes:identity';
/** The kept identity's commitment (public): what a membership recorded here is compared with. */
const COMMITMENT_KEY = 'bridgenotes:identity-commitment';
/** Where one version kept a second copy of the backup beside each membership: removed. */
const HOLDER_PREFIX = 'bridgenotes:holder:';
/**
 * At most this many copies of notes waiting for their batch are kept per community (the newest):
 * a member writes a few a day (the daily quota), and the storage of the frame's origin is small.
 */
export const OWN_NOTES_KEPT = 20;
/**
 * How long past the instance's longest seal wait a copy is still kept: the sealer's check comes
 * within its window after the wait, a batch the database refused is sealed at a later check, and
 * the device's clock may differ from the server's.
 */
export const OWN_NOTE_MARGIN_SECONDS = 60 * 60;
/**
 * How long a copy is kept where the instance seals with no time bound (a batch waits for enough
 * members): a quiet community may take days; past a week the listing is taken as the truth.
 */
export const OWN_NOTE_UNBOUNDED_SECONDS = 7 * 24 * 60 * 60;
const memory = new Map<string, string>();
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
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
  remove(key: string): void {
    memory.delete(key);
    try {
      backing?.removeItem(key);
    } catch {
      // Kept: read as it was, and dropped again at the next read that prunes it.
    }
  },
  /** The keys starting with `prefix`, where `get` reads them. */
  keys(prefix: string): string[] {
    try {
      if (backing) {
        const from = backing;
        const all = Array.from({ length: from.length }, (_, i) => from.key(i));
        return all.filter((key): key is string => key?.startsWith(prefix) ?? false);
      }
    } catch {
      // Unlistable: the copies in memory, as `get` then reads.
    }
    return [...memory.keys()].filter((key) => key.startsWith(prefix));
  },
};

/** Removes the backup copies one version kept as each membership's `holder`. */
function dropHolderCopies(from: Storage | null): void {
  for (const key of [...memory.keys()]) if (key.startsWith(HOLDER_PREFIX)) memory.delete(key);
  if (!from) return;
  try {
    const keys = Array.from({ length: from.length }, (_, i) => from.key(i));
    for (const key of keys) if (key?.startsWith(HOLDER_PREFIX)) from.removeItem(key);
  } catch {
    // A storage that cannot be listed or written keeps them; nothing reads them any more.
  }
}

/** Whether what the frame remembers outlasts the page. */
export const lasting = (): boolean => backing !== null;

/** A community's name, recorded when its frame loads: what the frame calls it elsewhere. */
const NAME_PREFIX = 'bridgenotes:name:';
const MEMBER_PREFIX = 'bridgenotes:member:';
const ENDED_PREFIX = 'bridgenotes:ended:';
const OWN_NOTE_PREFIX = 'bridgenotes:own-note:';

/** What a storage holds, read the same way in memory, in the backing storage or in a grant. */
interface Reader {
  get(key: string): string | null;
  keys(prefix: string): string[];
}

const readerOf = (from: Storage): Reader => ({
  get: (key) => from.getItem(key),
  keys: (prefix) =>
    Array.from({ length: from.length }, (_, i) => from.key(i)).filter(
      (key): key is string => key?.startsWith(prefix) ?? false,
    ),
});

const memoryReader: Reader = {
  get: (key) => memory.get(key) ?? null,
  keys: (prefix) => [...memory.keys()].filter((key) => key.startsWith(prefix)),
};

/** A community where an identity has standing on this site: its slug and its name. */
export interface Holding {
  slug: string;
  name: string;
}

/**
 * The communities where `commitment` has something on this site that replacing the identity would
 * lose: a membership (sealed or waiting for its batch), one missing from the group when last
 * looked at (maybe a member still: only the API's MEMBERSHIP_ENDED is an end), or copies of its
 * notes waiting for their batch. Named as their frame last called them, else by their slug.
 */
function holdingsIn(from: Reader, commitment: string | null): Holding[] {
  if (!commitment) return [];
  const slugs = new Set<string>();
  for (const key of from.keys(MEMBER_PREFIX)) {
    if (from.get(key) === commitment) slugs.add(key.slice(MEMBER_PREFIX.length));
  }
  for (const key of from.keys(ENDED_PREFIX)) {
    const slug = key.slice(ENDED_PREFIX.length);
    const ended = from.get(`bridgenotes:refused:${slug}`) === commitment;
    if (from.get(key) === commitment && !ended) slugs.add(slug);
  }
  for (const key of from.keys(OWN_NOTE_PREFIX)) {
    const copy = keptNote(parsedOrNull(from.get(key)));
    const slug = key.slice(OWN_NOTE_PREFIX.length, key.lastIndexOf(':'));
    if (copy?.commitment === commitment && slug) slugs.add(slug);
  }
  return [...slugs].sort().map((slug) => ({ slug, name: from.get(NAME_PREFIX + slug) || slug }));
}

/** The maps kept per identity (`MemberStore.map`): merged, not replaced, when moved. */
const MERGED = /^bridgenotes:(ratings|tracked):/;

/** Writes what memory holds into `granted`, an identity's maps merged with what it has there. */
function moveMemoryTo(granted: Storage): void {
  for (const [key, value] of memory) {
    const there = MERGED.test(key) ? parsedOrNull(granted.getItem(key)) : null;
    const here = parsedOrNull(value);
    const merge = there && here && typeof there === 'object' && typeof here === 'object';
    granted.setItem(key, merge ? JSON.stringify({ ...there, ...here }) : value);
  }
}

/**
 * A storage a Storage Access grant opened that keeps another identity than the one this page
 * made in memory: held while the member chooses (`useStorage`), never written to.
 */
let offered: Storage | null = null;

/**
 * What `useStorage` did: `moved` (memory moved there, or nothing to move), `device` (that storage
 * keeps another identity, used now: the one in memory had no standing anywhere), or `two` (that
 * storage keeps another identity, and the one in memory has standing: it stays in use, in memory,
 * until the member chooses; see `twoIdentities`).
 */
export type StorageMove = 'moved' | 'device' | 'two';

/**
 * Moves to the storage a Storage Access grant opened. What memory holds moves along when that
 * storage keeps no identity, or the same one. An identity it keeps already (an earlier visit's,
 * or the service's own pages') is never overwritten; nor is the one this page made dropped while
 * it has standing (a membership, a join waiting, copies of waiting notes): both are kept, the
 * member told, and the frame stays on memory until the member chooses (`useDeviceIdentity`).
 */
export function useStorage(granted: Storage): StorageMove {
  const there = granted.getItem(IDENTITY_KEY);
  const here = memory.get(IDENTITY_KEY) ?? null;
  let move: StorageMove = 'moved';
  if (there !== null && here !== null && there !== here) {
    if (holdingsIn(memoryReader, memory.get(COMMITMENT_KEY) ?? null).length > 0) {
      offered = granted;
      return 'two';
    }
    move = 'device';
  } else {
    moveMemoryTo(granted);
  }
  offered = null;
  memory.clear();
  backing = granted;
  dropHolderCopies(granted);
  return move;
}

/**
 * While the member chooses (`useStorage` answered `two`): the communities where the identity kept
 * on the device has standing, and where the one in use (in memory) has. Null otherwise.
 */
export function twoIdentities(): { device: Holding[]; page: Holding[] } | null {
  if (!offered || backing) return null;
  const device = readerOf(offered);
  return {
    device: holdingsIn(device, device.get(COMMITMENT_KEY)),
    page: holdingsIn(memoryReader, memory.get(COMMITMENT_KEY) ?? null),
  };
}

/**
 * The member chose the identity kept on the device over the one in memory (after its backup was
 * offered): memory, that identity's only place, is dropped.
 */
export function useDeviceIdentity(): void {
  if (!offered) return;
  const granted = offered;
  offered = null;
  memory.clear();
  backing = granted;
  dropHolderCopies(granted);
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

/** What a copy keeps of a note the member wrote: what its card shows, and who wrote it. */
export type OwnNote = Pick<
  NoteResponse,
  'id' | 'authorPseudonym' | 'classification' | 'reasons' | 'text' | 'sources' | 'createdAt'
>;

/**
 * The copy of a note kept while it waits for its batch (`MemberStore.keepOwnNote`), under a key
 * of its own: each tab of the frame reads the origin's storage from a copy of its own, which
 * another tab's write reaches a moment later, so a tab that wrote the whole list back would drop
 * a note another tab had just kept. Written when kept, removed when dropped, never rewritten.
 */
interface KeptNote {
  /** The commitment of the identity that proved the note: shown to that identity only. */
  commitment: string;
  /** The post's URL as the frame was given it. */
  post: string;
  /** When the API answered (seconds): the copy is kept for the instance's seal wait from then. */
  keptAt: number;
  /** Its place among the community's copies: one more than the last kept (missing: first). */
  order?: number;
  note: OwnNote;
}

/** What the member wrote in the form: what tells two notes on a post apart. */
export interface OwnNoteDraft {
  classification: string | undefined;
  reasons: readonly string[];
  text: string;
  sources: readonly string[];
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTexts = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);

/** A kept copy as this or an earlier version stored it, or null: anything else is dropped. */
function keptNote(value: unknown): KeptNote | null {
  const entry = value as Partial<KeptNote> | null;
  const note = entry?.note as Partial<Record<keyof OwnNote, unknown>> | undefined;
  const valid =
    isText(entry?.commitment) &&
    isText(entry.post) &&
    typeof entry.keptAt === 'number' &&
    Number.isFinite(entry.keptAt) &&
    typeof note === 'object' &&
    note !== null &&
    ['id', 'authorPseudonym', 'classification', 'text', 'createdAt'].every((field) =>
      isText(note[field as keyof OwnNote]),
    ) &&
    isTexts(note.reasons) &&
    isTexts(note.sources) &&
    (entry.order === undefined || Number.isFinite(entry.order));
  return valid ? (entry as KeptNote) : null;
}

/**
 * How long `community`'s instance may keep a note waiting for its batch, and a margin
 * (OWN_NOTE_MARGIN_SECONDS): past that a copy is dropped, and the post's listing is the truth.
 * An instance that seals in the request (0), or says no seal wait (an older one), lists a note at
 * once, save a seal that failed in the request: retried within a minute.
 */
export function ownNoteKeepSeconds(community: Partial<Pick<CommunityResponse, 'sealing'>>): number {
  const wait = sealWaitSeconds(community);
  if (wait === null) return OWN_NOTE_UNBOUNDED_SECONDS;
  return (wait ?? 0) + OWN_NOTE_MARGIN_SECONDS;
}

const parsedOrNull = (value: string | null): unknown => {
  try {
    return JSON.parse(value ?? 'null') as unknown;
  } catch {
    return null;
  }
};

const sameDraft = (note: OwnNote, draft: OwnNoteDraft): boolean =>
  note.classification === draft.classification &&
  note.text === draft.text &&
  JSON.stringify(note.reasons) === JSON.stringify(draft.reasons) &&
  JSON.stringify(note.sources) === JSON.stringify(draft.sources);

export class MemberStore {
  /** `name`: the community's, recorded for the frames of the others to name it. */
  constructor(
    private readonly slug: string,
    name?: string,
  ) {
    dropHolderCopies(backing);
    if (name) storage.set(NAME_PREFIX + slug, name);
    // Before anything this version records can change whose membership it is.
    this.adoptEarlierMap('ratings');
    this.adoptEarlierMap('tracked');
  }

  get identity(): string | null {
    return storage.get(IDENTITY_KEY);
  }

  /** The kept identity's commitment; null when none is kept, or an earlier version kept it. */
  get identityCommitment(): string | null {
    return this.identity === null ? null : storage.get(COMMITMENT_KEY) || null;
  }

  /**
   * Whether a change another tab or window made to this origin's storage (`key`, its `storage`
   * event; null: cleared) is one of the kept identity or of its membership here, which the member
   * panel shows.
   */
  concerns(key: string | null): boolean {
    if (key === null || key === IDENTITY_KEY || key === COMMITMENT_KEY) return true;
    return ['member', 'pending', 'ended', 'refused'].some((name) => key === this.key(name));
  }

  /**
   * The communities on this site where `commitment` (by default the kept identity's) has standing
   * that replacing the identity would lose (see `holdingsIn`), this one included.
   */
  holdings(commitment = this.identityCommitment): Holding[] {
    return holdingsIn(storage, commitment);
  }

  /**
   * What keeping `backup` (`commitment`: its commitment) in place of the kept identity would lose:
   * that identity's commitment and the communities of this site where it has standing; null when
   * nothing would be (none kept, the same one, or one with no standing here). `commitmentOf`: the
   * prover's answer for the kept backup, asked when its commitment is not known (an earlier
   * version's); a failure is thrown, and nothing is replaced.
   */
  async replacementLoses(
    backup: string,
    commitment: string,
    commitmentOf: (backup: string) => Promise<string>,
  ): Promise<{ commitment: string; holdings: Holding[] } | null> {
    const kept = this.identity;
    if (kept === null || kept === backup) return null;
    const keptCommitment = this.identityCommitment ?? (await commitmentOf(kept));
    if (keptCommitment === commitment) return null;
    const holdings = this.holdings(keptCommitment);
    return holdings.length > 0 ? { commitment: keptCommitment, holdings } : null;
  }

  /** Keeps an identity: its backup (on this origin only) and its commitment. */
  keepIdentity(backup: string, commitment: string): void {
    storage.set(IDENTITY_KEY, backup);
    storage.set(COMMITMENT_KEY, commitment);
  }

  /**
   * Records the commitment of an identity an earlier version kept without it (`commitmentOf`:
   * the prover's answer for the kept backup), so that its memberships are recognised as its own.
   * A failure leaves it unrecorded: no membership is then taken as this identity's.
   */
  async knowCommitment(commitmentOf: (backup: string) => Promise<string>): Promise<void> {
    const backup = this.identity;
    if (!backup || this.identityCommitment !== null) return;
    const commitment = await commitmentOf(backup).catch(() => null);
    if (commitment && this.identity === backup) storage.set(COMMITMENT_KEY, commitment);
  }

  /**
   * A membership recorded here for the identity kept now: the commitment it joined with is that
   * identity's. One recorded for another identity (the member restored a different backup since)
   * is not this identity's, nor is one of an identity whose commitment is not known.
   */
  get isMember(): boolean {
    const member = storage.get(this.key('member'));
    return member !== null && member !== '' && member === this.identityCommitment;
  }

  /**
   * Records the membership of the kept identity (`commitment`: its commitment); `pending`: the
   * join waits for its batch (not in the published leaves yet), so the member reads but cannot
   * prove until `sealed`.
   */
  joined(commitment: string, pending = false): void {
    if (this.identity !== null && this.identityCommitment === null) {
      storage.set(COMMITMENT_KEY, commitment);
    }
    storage.set(this.key('member'), commitment);
    storage.set(this.key('pending'), pending ? commitment : '');
    storage.set(this.key('pending-since'), pending ? `${commitment}:${nowSeconds()}` : '');
    // A membership recorded anew replaces this identity's absence or end, never another's.
    for (const name of ['ended', 'refused']) {
      if (storage.get(this.key(name)) === commitment) storage.set(this.key(name), '');
    }
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

  /**
   * Whether a pending membership has waited longer than `community`'s instance may keep a join
   * for its batch (libs/protocol `pendingJoinOverdue`): then, still missing from the published
   * leaves, it is taken as absent (Join offered, which the API answers with the membership or
   * its end). One recorded without its start (an earlier version) waits from the first time this
   * version sees it.
   */
  pendingOverdue(community: Pick<CommunityResponse, 'sealing'>): boolean {
    const waited = this.pendingWaited();
    return waited !== null && pendingJoinOverdue(waited, community);
  }

  /**
   * Whether a pending membership has waited long enough for Join again to be offered beside the
   * pending notice (libs/protocol `pendingJoinResendable`): an instance with no seal time bound
   * never makes it overdue, and a join lost before its batch was sealed could not be sent again.
   */
  get pendingResendable(): boolean {
    const waited = this.pendingWaited();
    return waited !== null && pendingJoinResendable(waited);
  }

  /**
   * How long the pending membership has waited, in seconds; null when none is pending, or its
   * start was not recorded (an earlier version), which is then recorded as now.
   */
  private pendingWaited(): number | null {
    if (!this.pending) return null;
    const member = storage.get(this.key('member'));
    const [commitment, since] = (storage.get(this.key('pending-since')) ?? '').split(':');
    if (commitment !== member || !since) {
      storage.set(this.key('pending-since'), `${member}:${nowSeconds()}`);
      return null;
    }
    return nowSeconds() - Number(since);
  }

  /**
   * The member's commitment, seen sealed before, is missing from the published leaves. Removed or
   * replaced, maybe, or not: an instance restored from a backup older than the join, a mirror
   * behind its origin, a join an earlier version recorded as sealed while it waited. The
   * membership is put aside, kept as absent (under the key earlier versions kept an end under,
   * so that theirs are absent too) for the panel to offer a check and a join, and to look again.
   */
  absent(): void {
    const commitment = this.memberCommitment;
    if (!commitment) return;
    storage.set(this.key('ended'), commitment);
    storage.set(this.key('member'), '');
    storage.set(this.key('pending'), '');
  }

  /** The kept identity's commitment, missing from the published leaves when last looked at. */
  get absentCommitment(): string | null {
    const commitment = this.identityCommitment;
    const absent = commitment !== null && storage.get(this.key('ended')) === commitment;
    return absent && !this.membershipEnded ? commitment : null;
  }

  /**
   * The API refused `commitment` a join as MEMBERSHIP_ENDED (removed or replaced): the only end
   * that is final, since nothing but the API knows it. Any membership of it is forgotten.
   */
  refused(commitment: string): void {
    storage.set(this.key('refused'), commitment);
    if (storage.get(this.key('member')) === commitment) {
      storage.set(this.key('member'), '');
      storage.set(this.key('pending'), '');
    }
  }

  /** Whether the API ended the kept identity's membership here (see `refused`). */
  get membershipEnded(): boolean {
    const commitment = this.identityCommitment;
    return commitment !== null && storage.get(this.key('refused')) === commitment;
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

  /** `commitment`'s own rating of a note (by default the kept identity's). */
  rating(noteId: string, commitment = this.identityCommitment): OwnRating | undefined {
    return this.map<OwnRating>('ratings', commitment)[noteId];
  }

  /** Records `commitment`'s rating: the identity that proved it, whichever is kept by then. */
  rated(commitment: string, noteId: string, rating: OwnRating): void {
    this.put('ratings', commitment, noteId, rating);
  }

  /** The notes `commitment` (by default the kept identity's) wrote or rated. */
  tracked(commitment = this.identityCommitment): Record<string, TrackedNote> {
    return this.map<TrackedNote>('tracked', commitment);
  }

  track(commitment: string, noteId: string, note: TrackedNote): void {
    this.put('tracked', commitment, noteId, note);
  }

  /**
   * Keeps a copy of a note `commitment` wrote on `post`, answered while it waits for its batch:
   * the API lists it only once sealed, and a member who reloads meanwhile would think it lost and
   * write it again. On this device only; the newest OWN_NOTES_KEPT of the community are kept.
   */
  keepOwnNote(commitment: string, post: string, note: NoteResponse): void {
    const { id, authorPseudonym, classification, reasons, text, sources, createdAt } = note;
    const others = this.keptNotes().filter((kept) => kept.note.id !== id);
    const copy: KeptNote = {
      commitment,
      post,
      keptAt: nowSeconds(),
      order: Math.max(0, ...others.map((kept) => kept.order ?? 0)) + 1,
      note: { id, authorPseudonym, classification, reasons, text, sources, createdAt },
    };
    storage.set(this.ownNoteKey(id), JSON.stringify(copy));
    this.dropNotes(others.slice(0, Math.max(0, others.length + 1 - OWN_NOTES_KEPT)));
  }

  /**
   * The kept identity's notes on `post` that still wait for their batch, newest first. A copy is
   * dropped once the post's listing (`listed`: its notes' ids) has its note, sealed, or once it
   * was kept longer than `community`'s instance keeps a note waiting (`ownNoteKeepSeconds`):
   * then the listing is the truth. Another identity's copies are not shown (a restored backup,
   * another tab's identity); they stay for it, within the same bounds.
   */
  waitingNotes(
    post: string,
    listed: ReadonlySet<string>,
    community: Pick<CommunityResponse, 'sealing'>,
  ): OwnNote[] {
    const limit = ownNoteKeepSeconds(community);
    const now = nowSeconds();
    const all = this.keptNotes();
    const waits = (entry: KeptNote) => !listed.has(entry.note.id) && now - entry.keptAt <= limit;
    // Only the copies dropped are removed: another tab's copy kept meanwhile stays.
    this.dropNotes(all.filter((entry) => !waits(entry)));
    const kept = all.filter(waits);
    const commitment = this.identityCommitment;
    // Computed from the identity and the community's scope: a copy under another is not its note.
    const pseudonym = this.pseudonym;
    return kept
      .filter((entry) => entry.commitment === commitment && entry.post === post)
      .filter((entry) => pseudonym === null || entry.note.authorPseudonym === pseudonym)
      .map((entry) => entry.note)
      .reverse();
  }

  /**
   * The API answered `commitment`'s write of `draft` on `post` with NOTE_NOT_FOUND: the note that
   * proof's message names (the same draft, proven in the same minute or sent again) was hidden by
   * the moderators, and is not shown any more. Its copy is dropped; answers the ids dropped.
   */
  ownNoteNotFound(commitment: string, post: string, draft: OwnNoteDraft): string[] {
    const all = this.keptNotes();
    const hidden = (entry: KeptNote) =>
      entry.commitment === commitment && entry.post === post && sameDraft(entry.note, draft);
    this.dropNotes(all.filter(hidden));
    return all.filter(hidden).map((entry) => entry.note.id);
  }

  /** The community's kept copies, oldest first; what is not one is left out. */
  private keptNotes(): KeptNote[] {
    const prefix = this.ownNoteKey('');
    const copies = storage.keys(prefix).map((key) => {
      const entry = keptNote(parsedOrNull(storage.get(key)));
      // Under its own note's key only: anything else is not a copy.
      return entry && this.ownNoteKey(entry.note.id) === key ? entry : null;
    });
    return copies
      .filter((entry): entry is KeptNote => entry !== null)
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.keptAt - b.keptAt);
  }

  private dropNotes(dropped: KeptNote[]): void {
    for (const entry of dropped) storage.remove(this.ownNoteKey(entry.note.id));
  }

  private ownNoteKey(noteId: string): string {
    return `bridgenotes:own-note:${this.slug}:${noteId}`;
  }

  private key(name: string): string {
    return `bridgenotes:${name}:${this.slug}`;
  }

  /**
   * One identity's map (`ratings`, `tracked`): another identity kept here is not shown its notes
   * or ratings. Earlier versions kept one map per community: it is the membership's then (a
   * member, or one recorded ended or refused), merged into that commitment's when first read.
   */
  private map<T>(name: string, commitment: string | null): Record<string, T> {
    if (!commitment) return {};
    // Again at each read: a storage opened later (Storage Access), or an older frame still open.
    this.adoptEarlierMap(name);
    return this.parsed<T>(this.ownKey(name, commitment));
  }

  /** Merges the earlier per-community map into its owner's (see `map`). */
  private adoptEarlierMap(name: string): void {
    const earlier = storage.get(this.key(name));
    const owner = ['member', 'ended', 'refused']
      .map((record) => storage.get(this.key(record)))
      .find((held) => held);
    if (!earlier || !owner) return;
    // What an older frame wrote there comes first; the identity's own entries win.
    const merged = { ...this.parsed(this.key(name)), ...this.parsed(this.ownKey(name, owner)) };
    storage.set(this.ownKey(name, owner), JSON.stringify(merged));
    storage.set(this.key(name), '');
  }

  private parsed<T>(key: string): Record<string, T> {
    try {
      const value = JSON.parse(storage.get(key) || '{}') as unknown;
      return value && typeof value === 'object' ? (value as Record<string, T>) : {};
    } catch {
      return {};
    }
  }

  private ownKey(name: string, commitment: string): string {
    return `${this.key(name)}:${commitment}`;
  }

  private put<T>(name: string, commitment: string, id: string, value: T): void {
    const map = { ...this.map<T>(name, commitment), [id]: value };
    storage.set(this.ownKey(name, commitment), JSON.stringify(map));
  }
}
