// The frame's storage of the member: a membership counts for the identity that joined with it,
// recognised by its (public) commitment; no copy of the backup is kept beside it.
import type { CommunityResponse, NoteResponse } from '@bridgenotes/protocol';

import type { OwnRating } from './member-store';

const DAY = 24 * 60 * 60;

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
}

/**
 * One origin's storage as two tabs (two renderer processes) see it: each reads a copy of its own,
 * and writes to the origin's storage in order; another tab's writes reach its copy only when it
 * `sync`s (the browser sends them over a moment after each write).
 */
function twoTabs() {
  const origin = new MemoryStorage();
  class Tab extends MemoryStorage {
    override setItem(key: string, value: string): void {
      super.setItem(key, value);
      origin.setItem(key, value);
    }
    override removeItem(key: string): void {
      super.removeItem(key);
      origin.removeItem(key);
    }
    sync(): void {
      this.clear();
      for (const key of origin.keys()) super.setItem(key, origin.getItem(key) as string);
    }
  }
  return { origin, a: new Tab(), b: new Tab() };
}

/** A fresh module over `saved` (what an earlier version left in the origin's storage). */
function storeOver(saved: Record<string, string>, slug = 'town') {
  const local = new MemoryStorage();
  for (const [key, value] of Object.entries(saved)) local.setItem(key, value);
  return { local, ...reloadOver(local, slug) };
}

/**
 * The frame loaded anew over `local` (a reload: the module's memory is gone); `local` null: a
 * browser that gives the frame no storage (localStorage throws).
 */
function reloadOver(local: MemoryStorage | null, slug = 'town') {
  Object.defineProperty(
    globalThis,
    'localStorage',
    local
      ? { value: local, configurable: true }
      : {
          get: () => {
            throw new DOMException('denied', 'SecurityError');
          },
          configurable: true,
        },
  );
  let module!: typeof import('./member-store');
  jest.isolateModules(() => {
    module = jest.requireActual<typeof import('./member-store')>('./member-store');
  });
  return { module, store: new module.MemberStore(slug) };
}

describe('the member store', () => {
  it('records a membership for the identity kept, and not for one restored after it', () => {
    const { local, store } = storeOver({});
    expect(store.isMember).toBe(false);
    store.keepIdentity('backup-a', '111');
    store.joined('111', true);
    expect([store.isMember, store.pending, store.canAct]).toEqual([true, true, false]);
    store.sealed();
    expect([store.isMember, store.canAct, store.memberCommitment]).toEqual([true, true, '111']);
    // Only public values beside the membership: the backup is kept once, as the identity.
    const values = local.keys().map((key) => local.getItem(key));
    expect(values.filter((value) => value === 'backup-a')).toHaveLength(1);
    expect(local.keys().some((key) => key.startsWith('bridgenotes:holder:'))).toBe(false);

    store.keepIdentity('backup-b', '222');
    expect([store.isMember, store.canAct, store.memberCommitment]).toEqual([false, false, null]);
    store.joined('222');
    expect(store.isMember).toBe(true);
  });

  it('removes the backup copies one version kept as `holder`, and still loads its records', () => {
    const { local, store } = storeOver({
      'bridgenotes:identity': 'backup-a',
      'bridgenotes:member:town': '111',
      'bridgenotes:holder:town': 'backup-a',
      'bridgenotes:holder:other': 'backup-a',
      'bridgenotes:pending:town': '',
    });
    expect(local.keys().filter((key) => key.startsWith('bridgenotes:holder:'))).toEqual([]);
    // The identity's commitment is not known yet: no membership is taken as its own…
    expect([store.identity, store.isMember]).toEqual(['backup-a', false]);
    expect(store.identityCommitment).toBeNull();
    return store
      .knowCommitment(async () => '111')
      .then(() => {
        // …until the prover gives it: then the record made with it is this identity's.
        expect([store.identityCommitment, store.isMember, store.canAct]).toEqual([
          '111',
          true,
          true,
        ]);
      });
  });

  it('recognises a record from before `holder` only when it is the identity’s commitment', async () => {
    const saved = {
      'bridgenotes:identity': 'backup-b',
      'bridgenotes:member:town': '111',
    };
    const other = storeOver(saved).store;
    await other.knowCommitment(async () => '222');
    expect(other.isMember).toBe(false);

    const same = storeOver(saved).store;
    await same.knowCommitment(async () => '111');
    expect(same.isMember).toBe(true);

    // A prover failure leaves it unknown (asked again at the next load); a join records it.
    const unknown = storeOver(saved).store;
    await unknown.knowCommitment(async () => {
      throw new Error('no prover');
    });
    expect([unknown.identityCommitment, unknown.isMember]).toEqual([null, false]);
    unknown.joined('111');
    expect([unknown.identityCommitment, unknown.isMember]).toEqual(['111', true]);
  });

  it('keeps the pseudonym beside the commitment it belongs to', () => {
    const { store } = storeOver({});
    store.keepIdentity('backup-a', '111');
    store.joined('111');
    store.pseudonym = 'p1';
    expect(store.pseudonym).toBe('p1');
    store.keepIdentity('backup-b', '222');
    store.joined('222');
    expect(store.pseudonym).toBeNull();
  });
  it('keeps a membership missing from the group as absent, not ended, for a later check or join', () => {
    const { store } = storeOver({});
    store.keepIdentity('backup-a', '111');
    store.joined('111');
    store.absent();
    expect([store.isMember, store.absentCommitment, store.membershipEnded]).toEqual([
      false,
      '111',
      false,
    ]);
    // Found in the group again (a check, a later download): a member again, nothing ended.
    store.joined('111');
    expect([store.canAct, store.absentCommitment, store.membershipEnded]).toEqual([
      true,
      null,
      false,
    ]);
  });

  it('takes an end an earlier version recorded from absence as absent', () => {
    const { store } = storeOver({
      'bridgenotes:identity': 'backup-a',
      'bridgenotes:identity-commitment': '111',
      'bridgenotes:member:town': '',
      'bridgenotes:ended:town': '111',
    });
    expect([store.absentCommitment, store.membershipEnded]).toEqual(['111', false]);
  });

  it('records a join the API refused as MEMBERSHIP_ENDED as ended, for that identity only', () => {
    const { store } = storeOver({});
    store.keepIdentity('backup-a', '111');
    store.joined('111');
    store.absent();
    store.refused('111');
    expect([store.isMember, store.absentCommitment, store.membershipEnded]).toEqual([
      false,
      null,
      true,
    ]);
    store.keepIdentity('backup-b', '222');
    expect(store.membershipEnded).toBe(false);
  });

  it('keeps an end and an absence of one identity when another joins', () => {
    const { store } = storeOver({});
    store.keepIdentity('backup-a', '111');
    store.joined('111');
    store.refused('111');
    store.keepIdentity('backup-b', '222');
    store.joined('222');
    store.keepIdentity('backup-a', '111');
    expect(store.membershipEnded).toBe(true);

    const other = storeOver({}).store;
    other.keepIdentity('backup-a', '111');
    other.joined('111');
    other.absent();
    other.keepIdentity('backup-b', '222');
    other.joined('222');
    other.keepIdentity('backup-a', '111');
    expect(other.absentCommitment).toBe('111');
  });

  it('times a pending join an earlier version recorded from the first time it is seen', () => {
    const now = Date.now();
    const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
    at(0);
    const { store } = storeOver({
      'bridgenotes:identity': 'backup-a',
      'bridgenotes:identity-commitment': '111',
      'bridgenotes:member:town': '111',
      'bridgenotes:pending:town': '111',
    });
    // An older API's answer, without the seal wait: a day, and Join again after a day too.
    const community = {} as CommunityResponse;
    expect([store.pendingOverdue(community), store.pendingResendable]).toEqual([false, false]);
    at(DAY - 60);
    expect([store.pendingOverdue(community), store.pendingResendable]).toEqual([false, false]);
    at(DAY + 60);
    expect([store.pendingOverdue(community), store.pendingResendable]).toEqual([true, true]);
    jest.restoreAllMocks();
  });

  it('offers a pending join to be sent again once it waited a day, with a seal wait of no bound that never gives it up', () => {
    const now = Date.now();
    const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
    at(0);
    const { store } = storeOver({});
    const noBound = { sealing: { maxWaitSeconds: null } } as CommunityResponse;
    store.keepIdentity('backup-a', '111');
    expect(store.pendingResendable).toBe(false);
    store.joined('111', true);
    at(DAY - 60);
    expect([store.pendingResendable, store.pendingOverdue(noBound)]).toEqual([false, false]);
    at(DAY + 60);
    expect([store.pendingResendable, store.pendingOverdue(noBound)]).toEqual([true, false]);
    // Sent again and answered pending: waited for anew.
    store.joined('111', true);
    expect(store.pendingResendable).toBe(false);
    // Sealed: nothing to send again.
    at(3 * DAY);
    store.joined('111');
    expect(store.pendingResendable).toBe(false);
    jest.restoreAllMocks();
  });

  it("gives the earlier map to the identity an earlier version left absent, not to the next one's", () => {
    const rating = { helpfulness: 'HELPFUL' as const, tags: [], clientMinute: 1 };
    const { store } = storeOver({
      'bridgenotes:identity': 'backup-a',
      'bridgenotes:identity-commitment': '111',
      'bridgenotes:member:town': '',
      'bridgenotes:ended:town': '111',
      'bridgenotes:ratings:town': JSON.stringify({ n1: rating }),
    });
    store.keepIdentity('backup-b', '222');
    store.joined('222');
    expect(store.rating('n1')).toBeUndefined();
    expect(store.rating('n1', '111')).toEqual(rating);
  });

  it("keeps each identity's ratings and tracked notes its own, the earlier map its member's", () => {
    const rating: OwnRating = { helpfulness: 'HELPFUL', tags: [], clientMinute: 1 };
    const { store } = storeOver({
      'bridgenotes:identity': 'backup-a',
      'bridgenotes:identity-commitment': '111',
      'bridgenotes:member:town': '111',
      'bridgenotes:ratings:town': JSON.stringify({ n1: rating }),
      'bridgenotes:tracked:town': JSON.stringify({
        n1: { role: 'rated', status: 'NEEDS_MORE_RATINGS', text: 'x' },
      }),
    });
    store.keepIdentity('backup-b', '222');
    expect([store.rating('n1'), store.tracked()]).toEqual([undefined, {}]);
    store.rated('222', 'n2', rating);
    store.track('222', 'n3', { role: 'wrote', status: 'NEEDS_MORE_RATINGS', text: 'y' });
    store.keepIdentity('backup-a', '111');
    expect([store.rating('n1'), store.rating('n2'), Object.keys(store.tracked())]).toEqual([
      rating,
      undefined,
      ['n1'],
    ]);
    expect([store.rating('n2', '222'), Object.keys(store.tracked('222'))]).toEqual([
      rating,
      ['n3'],
    ]);
  });
});

describe('the copies of the member’s own notes waiting for their batch', () => {
  const POST = 'https://example.com/news/1';
  const sixHours = { sealing: { maxWaitSeconds: 6 * 60 * 60 } } as CommunityResponse;
  const now = Date.now();
  const at = (seconds: number) => jest.spyOn(Date, 'now').mockReturnValue(now + seconds * 1000);
  afterEach(() => jest.restoreAllMocks());

  /** What the API answers to a note it holds in the write buffer. */
  const answer = (id: string, text = `note ${id}`, authorPseudonym = 'p1'): NoteResponse => ({
    id,
    communityId: 'c1',
    postId: 'post-1',
    authorPseudonym,
    classification: 'NOT_MISLEADING',
    reasons: ['FACTUALLY_CORRECT'],
    text,
    sources: ['https://example.org/a'],
    status: 'NEEDS_MORE_RATINGS',
    ratingCount: 0,
    score: null,
    explanation: null,
    createdAt: new Date(now).toISOString(),
    deletedAt: null,
    redacted: false,
  });

  /** A sealed member of `town` with identity `backup-<commitment>`, pseudonym p1. */
  const member = (commitment = '111') => {
    const kept = storeOver({});
    kept.store.keepIdentity(`backup-${commitment}`, commitment);
    kept.store.joined(commitment);
    kept.store.pseudonym = 'p1';
    return kept;
  };
  const ids = (notes: { id: string }[]) => notes.map((note) => note.id);

  it('lists a note after a reload until the post’s listing has it, then drops the copy', () => {
    at(0);
    const { local, store } = member();
    store.keepOwnNote('111', POST, answer('n1', '<img src=x onerror=alert(1)>'));
    store.keepOwnNote('111', POST, answer('n2'));
    store.keepOwnNote('111', 'https://example.com/news/2', answer('n3'));

    at(60);
    const reloaded = reloadOver(local).store;
    const waiting = reloaded.waitingNotes(POST, new Set(), sixHours);
    // Newest first, this post's only, as the API answered them (text is shown as text).
    expect(ids(waiting)).toEqual(['n2', 'n1']);
    expect(waiting[1]).toEqual({
      id: 'n1',
      authorPseudonym: 'p1',
      classification: 'NOT_MISLEADING',
      reasons: ['FACTUALLY_CORRECT'],
      text: '<img src=x onerror=alert(1)>',
      sources: ['https://example.org/a'],
      createdAt: new Date(now).toISOString(),
    });

    // Sealed: the listing has n1, listed from it from now on; its copy is gone from the device.
    expect(ids(reloaded.waitingNotes(POST, new Set(['other', 'n1']), sixHours))).toEqual(['n2']);
    const copies = local.keys().filter((key) => key.includes('own-note'));
    expect(copies.map((key) => local.getItem(key)).join()).not.toContain('"n1"');
    expect(copies).toEqual(['bridgenotes:own-note:town:n2', 'bridgenotes:own-note:town:n3']);
    expect(ids(reloadOver(local).store.waitingNotes(POST, new Set(), sixHours))).toEqual(['n2']);
  });

  it('drops a copy once the instance’s longest seal wait and a margin have passed', () => {
    at(0);
    const { local, store, module } = member();
    const margin = module.OWN_NOTE_MARGIN_SECONDS;
    store.keepOwnNote('111', POST, answer('n1'));
    at(6 * 60 * 60 + margin - 1);
    expect(ids(store.waitingNotes(POST, new Set(), sixHours))).toEqual(['n1']);
    at(6 * 60 * 60 + margin + 1);
    expect(store.waitingNotes(POST, new Set(), sixHours)).toEqual([]);
    // Gone, not merely hidden: a later, longer seal wait does not bring it back.
    const noBound = { sealing: { maxWaitSeconds: null } } as CommunityResponse;
    expect(reloadOver(local).store.waitingNotes(POST, new Set(), noBound)).toEqual([]);

    // With no time bound: a week. Sealed in the request (or an older API): the margin only.
    at(0);
    store.keepOwnNote('111', POST, answer('n2'));
    at(module.OWN_NOTE_UNBOUNDED_SECONDS - 1);
    expect(ids(store.waitingNotes(POST, new Set(), noBound))).toEqual(['n2']);
    at(margin + 1);
    expect(store.waitingNotes(POST, new Set(), {} as CommunityResponse)).toEqual([]);
    expect(module.ownNoteKeepSeconds({ sealing: { maxWaitSeconds: 0 } })).toBe(margin);
  });

  it('shows a copy to the identity that wrote it only, and keeps it for that identity', () => {
    at(0);
    const { local, store } = member('111');
    store.keepOwnNote('111', POST, answer('n1'));
    // Another identity restored (or kept by another tab): not its note.
    store.keepIdentity('backup-222', '222');
    store.joined('222');
    expect(reloadOver(local).store.waitingNotes(POST, new Set(), sixHours)).toEqual([]);
    // The identity removed: nobody's.
    local.removeItem('bridgenotes:identity');
    expect(reloadOver(local).store.waitingNotes(POST, new Set(), sixHours)).toEqual([]);
    // The first one restored again: its note, still waiting.
    store.keepIdentity('backup-111', '111');
    store.joined('111');
    expect(ids(reloadOver(local).store.waitingNotes(POST, new Set(), sixHours))).toEqual(['n1']);
    // A copy answered under another pseudonym than the identity's here is not its note.
    store.keepOwnNote('111', POST, answer('n2', 'x', 'p9'));
    expect(ids(store.waitingNotes(POST, new Set(), sixHours))).toEqual(['n1']);
  });

  it('keeps the newest copies only, and ignores what is not one', () => {
    at(0);
    const { local, store, module } = member();
    const count = module.OWN_NOTES_KEPT + 5;
    for (let index = 0; index < count; index += 1) {
      store.keepOwnNote('111', POST, answer(`n${index}`, 'x'.repeat(280)));
    }
    const waiting = store.waitingNotes(POST, new Set(), sixHours);
    expect(waiting).toHaveLength(module.OWN_NOTES_KEPT);
    expect(waiting[0].id).toBe(`n${count - 1}`);
    // The same note answered again (a resend): one copy.
    store.keepOwnNote('111', POST, answer(`n${count - 1}`, 'x'.repeat(280)));
    expect(store.waitingNotes(POST, new Set(), sixHours)).toHaveLength(module.OWN_NOTES_KEPT);

    for (const key of local.keys()) if (key.includes('own-note')) local.removeItem(key);
    const keptAt = Math.floor(now / 1000);
    const copy = JSON.stringify({ commitment: '111', post: POST, keptAt, note: answer('n1') });
    for (const garbage of ['{', '{"a":1}', JSON.stringify([null, { note: { id: 1 } }]), 'null']) {
      // Under a copy's key, or a copy under another's key.
      local.setItem('bridgenotes:own-note:town:n1', garbage);
      local.setItem('bridgenotes:own-note:town:n2', copy);
      expect(reloadOver(local).store.waitingNotes(POST, new Set(), sixHours)).toEqual([]);
    }
  });

  it('keeps a note another tab kept while this one pruned its copies (each tab reads its own copy of the storage)', () => {
    at(0);
    const { a, b } = twoTabs();
    const tabA = reloadOver(a).store;
    tabA.keepIdentity('backup-111', '111');
    tabA.joined('111');
    tabA.pseudonym = 'p1';
    tabA.keepOwnNote('111', POST, answer('n1'));
    b.sync();
    const tabB = reloadOver(b).store;
    // n1 is sealed meanwhile; tab B writes n2, kept while it waits.
    tabB.keepOwnNote('111', POST, answer('n2'));
    // Before B's write reaches A's copy of the storage, A shows the post, which lists n1 now.
    expect(tabA.waitingNotes(POST, new Set(['n1']), sixHours)).toEqual([]);
    a.sync();
    b.sync();
    // Reloaded, either tab lists B's note as waiting: it was not lost with A's pruning.
    expect(ids(reloadOver(b).store.waitingNotes(POST, new Set(['n1']), sixHours))).toEqual(['n2']);
    expect(ids(reloadOver(a).store.waitingNotes(POST, new Set(['n1']), sixHours))).toEqual(['n2']);
  });

  it('drops the copy of a draft the API answers as a note moderators hid', () => {
    at(0);
    const { store } = member();
    store.keepOwnNote('111', POST, answer('n1', 'hidden text'));
    store.keepOwnNote('111', POST, answer('n2', 'other text'));
    const draft = {
      classification: 'NOT_MISLEADING',
      reasons: ['FACTUALLY_CORRECT'],
      text: 'hidden text',
      sources: ['https://example.org/a'],
    };
    expect(store.ownNoteNotFound('222', POST, draft)).toEqual([]);
    expect(store.ownNoteNotFound('111', POST, draft)).toEqual(['n1']);
    expect(ids(store.waitingNotes(POST, new Set(), sixHours))).toEqual(['n2']);
  });

  it('keeps copies in memory only where the browser gives no storage: gone at a reload', () => {
    at(0);
    const { store } = reloadOver(null);
    store.keepIdentity('backup-111', '111');
    store.joined('111');
    store.keepOwnNote('111', POST, answer('n1'));
    expect(ids(store.waitingNotes(POST, new Set(), sixHours))).toEqual(['n1']);
    expect(reloadOver(null).store.waitingNotes(POST, new Set(), sixHours)).toEqual([]);
  });
});

describe('one identity shared by the communities of a site', () => {
  const rating: OwnRating = { helpfulness: 'HELPFUL', tags: [], clientMinute: 1 };
  const POST = 'https://example.com/news/1';
  const noteOf = (id: string, authorPseudonym = 'p1') =>
    ({
      id,
      authorPseudonym,
      classification: 'NOT_MISLEADING',
      reasons: [],
      text: 'kept',
      sources: [],
      createdAt: new Date().toISOString(),
    }) as unknown as NoteResponse;

  it('names every community where the kept identity has standing, for a restore on another community’s page to refuse at first', () => {
    const local = new MemoryStorage();
    // The member joins A with X on A's page (its frame records A's name), then opens B's page.
    const a = reloadOver(local, 'town-a');
    const onA = new a.module.MemberStore('town-a', 'Town A');
    onA.keepIdentity('backup-x', 'x1');
    onA.joined('x1');
    const onB = new (reloadOver(local, 'town-b').module.MemberStore)('town-b', 'Town B');
    expect([onB.identity, onB.isMember]).toEqual(['backup-x', false]);
    // What restoring Y on B's page would lose: X's membership of A (the panel says so first).
    expect(onB.holdings()).toEqual([{ slug: 'town-a', name: 'Town A' }]);
    // A join waiting for its batch, a membership missing from the group (maybe still one), the
    // copies of waiting notes count too; a membership the API ended does not, nor another's.
    onB.joined('x1', true);
    const onC = new (reloadOver(local).module.MemberStore)('town-c');
    onC.joined('x1');
    onC.absent();
    const onD = new (reloadOver(local).module.MemberStore)('town-d');
    onD.keepOwnNote('x1', POST, noteOf('n1'));
    const onE = new (reloadOver(local).module.MemberStore)('town-e');
    onE.joined('x1');
    onE.refused('x1');
    onE.keepOwnNote('y1', POST, noteOf('n2'));
    expect(onB.holdings().map((held) => held.name)).toEqual([
      'Town A',
      'Town B',
      'town-c',
      'town-d',
    ]);
    // Another identity's standing is not X's; an identity with none has nothing to lose.
    expect(onB.holdings('y1')).toEqual([{ slug: 'town-e', name: 'town-e' }]);
    expect(onB.holdings('z1')).toEqual([]);
    // Kept identity none (an earlier version's, its commitment unknown): nothing named as its.
    expect(storeOver({ 'bridgenotes:identity': 'backup-x' }).store.holdings()).toEqual([]);
  });

  it('answers what restoring Y over X on B’s page would lose, so that the panel asks first and A keeps X', async () => {
    const local = new MemoryStorage();
    const onA = new (reloadOver(local).module.MemberStore)('town-a', 'Town A');
    onA.keepIdentity('backup-x', 'x1');
    onA.joined('x1');
    const onB = new (reloadOver(local).module.MemberStore)('town-b', 'Town B');
    const unasked = async (): Promise<string> => {
      throw new Error('the commitment is known');
    };
    expect(await onB.replacementLoses('backup-y', 'y1', unasked)).toEqual({
      commitment: 'x1',
      holdings: [{ slug: 'town-a', name: 'Town A' }],
    });
    // Asking changed nothing: X is kept, and a member of A.
    expect([onB.identity, onA.identity, onA.isMember]).toEqual(['backup-x', 'backup-x', true]);
    // The same identity again, or none kept, loses nothing.
    expect(await onB.replacementLoses('backup-x', 'x1', unasked)).toBeNull();
    expect(await storeOver({}).store.replacementLoses('backup-y', 'y1', unasked)).toBeNull();

    // An earlier version's identity (commitment not kept): the prover's answer is asked, and a
    // prover that fails refuses the restore rather than replace blindly.
    const earlier = storeOver({
      'bridgenotes:identity': 'backup-x',
      'bridgenotes:member:town-a': 'x1',
    }).store;
    expect(await earlier.replacementLoses('backup-y', 'y1', async () => 'x1')).toEqual({
      commitment: 'x1',
      holdings: [{ slug: 'town-a', name: 'town-a' }],
    });
    await expect(
      earlier.replacementLoses('backup-y', 'y1', async () => {
        throw new Error('no prover');
      }),
    ).rejects.toThrow('no prover');
    // X with no standing anywhere on the site: replaced with no question.
    const alone = storeOver({}).store;
    alone.keepIdentity('backup-x', 'x1');
    expect(await alone.replacementLoses('backup-y', 'y1', unasked)).toBeNull();
  });

  /** A frame with no lasting storage (memory), X made and joined there, with a rating. */
  const inMemory = () => {
    const { module, store } = reloadOver(null);
    store.keepIdentity('backup-x', 'x1');
    store.joined('x1');
    store.pseudonym = 'p1';
    store.rated('x1', 'n1', rating);
    store.keepOwnNote('x1', POST, noteOf('n1'));
    return { module, store };
  };

  it('keeps the identity made in memory when the storage a grant opens keeps another one, and says both', () => {
    const { module, store } = inMemory();
    // Y sits in the frame's first-party storage (the service's own pages), a member of A there.
    const granted = new MemoryStorage();
    const y = reloadOver(granted, 'town-a');
    const onA = new y.module.MemberStore('town-a', 'Town A');
    onA.keepIdentity('backup-y', 'y1');
    onA.joined('y1');
    const before = granted.keys().map((key) => [key, granted.getItem(key)]);

    const move = module.useStorage(granted);
    // X is still the identity in use, with its membership, rating and waiting note…
    expect([store.identity, store.canAct, store.pseudonym]).toEqual(['backup-x', true, 'p1']);
    expect(move).toBe('two');
    expect(store.rating('n1')).toEqual(rating);
    expect(store.waitingNotes(POST, new Set(), {} as CommunityResponse)).toHaveLength(1);
    expect(module.lasting()).toBe(false);
    // …and Y, untouched where it is kept.
    expect(granted.keys().map((key) => [key, granted.getItem(key)])).toEqual(before);
    expect(module.twoIdentities()).toEqual({
      device: [{ slug: 'town-a', name: 'Town A' }],
      page: [{ slug: 'town', name: 'town' }],
    });

    // The member chose the device's identity (after X's backup was shown): Y is used from now on.
    module.useDeviceIdentity();
    expect([store.identity, store.isMember, module.lasting()]).toEqual(['backup-y', false, true]);
    expect(module.twoIdentities()).toBeNull();
  });

  it('uses the identity the storage keeps when the one made in memory has no standing anywhere', () => {
    const { module, store } = reloadOver(null);
    store.keepIdentity('backup-x', 'x1');
    const granted = new MemoryStorage();
    granted.setItem('bridgenotes:identity', 'backup-y');
    granted.setItem('bridgenotes:identity-commitment', 'y1');
    expect(module.useStorage(granted)).toBe('device');
    expect([store.identity, store.identityCommitment, module.lasting()]).toEqual([
      'backup-y',
      'y1',
      true,
    ]);
    expect(granted.getItem('bridgenotes:identity')).toBe('backup-y');
  });

  it('moves what memory holds into a storage that keeps the same identity, or none', () => {
    const { module, store } = inMemory();
    const granted = new MemoryStorage();
    granted.setItem('bridgenotes:identity', 'backup-x');
    granted.setItem('bridgenotes:identity-commitment', 'x1');
    granted.setItem('bridgenotes:member:town-a', 'x1');
    const older = { helpfulness: 'NOT_HELPFUL', tags: [], clientMinute: 0 };
    granted.setItem('bridgenotes:ratings:town:x1', JSON.stringify({ n0: older }));
    expect(module.useStorage(granted)).toBe('moved');
    // This page's records join the device's: its membership here, its rating beside the older one.
    expect([store.identity, store.canAct, store.pseudonym]).toEqual(['backup-x', true, 'p1']);
    expect([store.rating('n0'), store.rating('n1')]).toEqual([older, rating]);
    expect(store.holdings().map((held) => held.slug)).toEqual(['town', 'town-a']);

    const fresh = inMemory();
    const empty = new MemoryStorage();
    expect(fresh.module.useStorage(empty)).toBe('moved');
    expect([empty.getItem('bridgenotes:identity'), fresh.store.canAct]).toEqual(['backup-x', true]);
  });
});
