import { ext } from './extension-api';
import { isSaveRating, load, saveRating, STORAGE_LOCK, update } from './storage';

// A small stand-in for the extension's storage: each read and write answers a turn of the event
// loop later, as the browser's do, so two read-modify-writes left to themselves interleave. Its
// items live on `globalThis`, so that two copies of the module (two pages) share one storage.
jest.mock('./extension-api', () => {
  const shared = globalThis as { storageItems?: Record<string, unknown> };
  shared.storageItems ??= {};
  const later = () => new Promise((resolve) => setImmediate(resolve));
  return {
    ext: {
      storage: {
        local: {
          async get(keys: string[]) {
            await later();
            const items = shared.storageItems as Record<string, unknown>;
            return Object.fromEntries(
              keys.filter((key) => key in items).map((key) => [key, structuredClone(items[key])]),
            );
          },
          async set(changes: Record<string, unknown>) {
            await later();
            shared.storageItems = { ...shared.storageItems, ...structuredClone(changes) };
          },
          clear: () => (shared.storageItems = {}),
        },
      },
    },
  };
});

const local = ext.storage.local as typeof ext.storage.local & { clear(): void };

beforeEach(() => local.clear());

/** Each update adds one identity, as a Create or a Restore for its instance does. */
const addIdentity = (instance: string) =>
  update(({ identities }) => ({ identities: { ...identities, [instance]: `backup-${instance}` } }));

const instances = ['https://a.example', 'https://b.example', 'https://c.example'];

describe('update', () => {
  it('keeps every change of updates started together: none saves over another', async () => {
    await Promise.all(instances.map(addIdentity));
    expect((await load()).identities).toEqual(
      Object.fromEntries(instances.map((instance) => [instance, `backup-${instance}`])),
    );
  });

  it('saves nothing of a change that throws, fails with its error, and lets the next run', async () => {
    const refused = update(() => {
      throw new Error('an identity is kept for this instance already');
    });
    const next = addIdentity(instances[0]);
    await expect(refused).rejects.toThrow('kept for this instance already');
    await next;
    expect((await load()).identities).toEqual({ [instances[0]]: `backup-${instances[0]}` });
  });

  describe('with Web Locks, as in every extension page and worker', () => {
    const taken: string[] = [];
    let held = false;
    let overlapped = false;

    beforeAll(() => {
      // One lock shared by the pages, granted in turn. Only its use is faked, not what it orders.
      let turn: Promise<unknown> = Promise.resolve();
      const request = (name: string, run: () => Promise<void>) => {
        taken.push(name);
        const granted = turn.then(async () => {
          if (held) overlapped = true;
          held = true;
          try {
            await run();
          } finally {
            held = false;
          }
        });
        turn = granted.catch(() => undefined);
        return granted;
      };
      Object.defineProperty(globalThis, 'navigator', {
        value: { locks: { request } },
        configurable: true,
      });
    });

    afterAll(() => {
      delete (globalThis as { navigator?: unknown }).navigator;
    });

    it('fails where the lock is refused (as Chromium refuses it to the panel), saving nothing', async () => {
      const granting = navigator.locks.request;
      const refuse = () =>
        Promise.reject(new DOMException('The request was denied.', 'SecurityError'));
      Object.assign(navigator.locks, { request: refuse });
      try {
        await expect(addIdentity(instances[0])).rejects.toThrow('denied');
      } finally {
        Object.assign(navigator.locks, { request: granting });
      }
      expect((await load()).identities).toEqual({});
    });

    it('passes on a failure inside the lock, saving nothing and computing once', async () => {
      let computed = 0;
      const failed = update(() => {
        computed += 1;
        throw new Error('refused inside');
      });
      await expect(failed).rejects.toThrow('refused inside');
      expect(computed).toBe(1);
      expect((await load()).identities).toEqual({});
    });

    it('orders the updates of two pages (two copies of the module) by the lock alone', async () => {
      let other: typeof import('./storage') | undefined;
      jest.isolateModules(() => {
        other = jest.requireActual<typeof import('./storage')>('./storage');
      });
      const pages = [update, (other as typeof import('./storage')).update];
      // Each page's own chain orders only its own updates: without the lock, these interleave.
      await Promise.all(
        instances.map((instance, index) =>
          pages[index % 2](({ identities }) => ({
            identities: { ...identities, [instance]: `backup-${instance}` },
          })),
        ),
      );
      expect(Object.keys((await load()).identities).sort()).toEqual(instances);
    });

    it('takes the shared lock for each update, one holder at a time', async () => {
      taken.length = 0;
      await Promise.all(instances.map(addIdentity));
      expect(taken).toEqual(instances.map(() => STORAGE_LOCK));
      expect(overlapped).toBe(false);
      expect(Object.keys((await load()).identities).sort()).toEqual(instances);
    });
  });
});

describe("the panel's ratings, kept by the service worker", () => {
  it('takes a well-formed request only', () => {
    expect(isSaveRating({ type: 'save-rating', noteId: 'n1', helpfulness: 'HELPFUL' })).toBe(true);
    expect(isSaveRating({ type: 'save-rating', noteId: '', helpfulness: 'HELPFUL' })).toBe(false);
    expect(isSaveRating({ type: 'save-rating', noteId: 'n1', helpfulness: 'VERY' })).toBe(false);
    expect(isSaveRating({ type: 'lookup', noteId: 'n1', helpfulness: 'HELPFUL' })).toBe(false);
    expect(isSaveRating(null)).toBe(false);
    const minute = { type: 'save-rating', noteId: 'n1', helpfulness: 'HELPFUL' };
    expect(isSaveRating({ ...minute, clientMinute: 29_600_000 })).toBe(true);
    expect(isSaveRating({ ...minute, clientMinute: 1.5 })).toBe(false);
    expect(isSaveRating({ ...minute, clientMinute: -1 })).toBe(false);
    expect(isSaveRating({ ...minute, clientMinute: '29600000' })).toBe(false);
  });

  it("keeps each rating's minute, and never an older rating over a newer one", async () => {
    const rating = (helpfulness: 'HELPFUL' | 'NOT_HELPFUL', clientMinute: number) =>
      saveRating({ type: 'save-rating', noteId: 'n1', helpfulness, clientMinute });
    await rating('HELPFUL', 100);
    await rating('NOT_HELPFUL', 101);
    // A panel in another tab that rated a minute earlier finishes last: the newer one stays.
    await rating('HELPFUL', 100);
    const { ratings, ratingMinutes } = await load();
    expect(ratings).toEqual({ n1: 'NOT_HELPFUL' });
    expect(ratingMinutes).toEqual({ n1: 101 });
  });

  it('keeps both of two ratings saved at once, and the latest of one note', async () => {
    await Promise.all([
      saveRating({ type: 'save-rating', noteId: 'n1', helpfulness: 'HELPFUL' }),
      saveRating({ type: 'save-rating', noteId: 'n2', helpfulness: 'NOT_HELPFUL' }),
    ]);
    await saveRating({ type: 'save-rating', noteId: 'n1', helpfulness: 'SOMEWHAT_HELPFUL' });
    expect((await load()).ratings).toEqual({ n1: 'SOMEWHAT_HELPFUL', n2: 'NOT_HELPFUL' });
  });
});
